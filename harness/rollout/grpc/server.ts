// Serve a RolloutService over gRPC (brownout.rollout.v1.Rollouts) with the standard health service
// beside it, in plain text on loopback or over TLS (required elsewhere: serve-security.ts). Every Rollouts call must carry `authorization: Bearer <token>` (health needs none);
// errors map to status codes in one place (status.ts); a watch's signal aborts when its call ends.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { BadInputError, EnvironmentError } from '../../../core/errors.ts';
import { checkRunId } from '../../../core/run-id.ts';
import type { RolloutService } from '../controller/rollout-service.ts';
import { eventToProto, rolloutToProto } from './convert.ts';
import type { RolloutEvent as PRolloutEvent } from './generated/brownout/rollout/v1/RolloutEvent.ts';
import type { RolloutsHandlers } from './generated/brownout/rollout/v1/Rollouts.ts';
import type { WatchRolloutRequest__Output } from './generated/brownout/rollout/v1/WatchRolloutRequest.ts';
import { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './load-proto.ts';
import { serveSecurity } from './serve-security.ts';
import { toStatus } from './status.ts';

export interface ServeOptions {
  /** Default 127.0.0.1: the token is the only guard, so stay off other interfaces unless asked. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** Serve TLS with this certificate (chain) and key, both PEM files. Required off loopback unless `insecure`. */
  tls?: { cert: string; key: string };
  /** Serve plain text off loopback anyway (said through `warn`). */
  insecure?: boolean;
  /** Where the plain-text warning goes (stderr by default). */
  warn?: (line: string) => void;
}

export interface ServedRollouts {
  /** host:port as a client dials it (a wildcard host is dialled on loopback). */
  address: string;
  port: number;
  token: string;
  /** Served over TLS. */
  tls: boolean;
  close(): Promise<void>;
}

/** The PEM files read, or BadInputError naming the flag; refused off loopback without TLS or --insecure. */
function serverCredentials(host: string, opts: ServeOptions): grpc.ServerCredentials {
  const sec = serveSecurity({ host, tls: opts.tls !== undefined, insecure: opts.insecure === true });
  if (sec.problems.length) throw new BadInputError(`will not serve the rollout API on ${host} in plain text`, { problems: sec.problems });
  if (sec.warning) (opts.warn ?? ((l: string) => process.stderr.write(l + '\n')))(sec.warning);
  if (!opts.tls) return grpc.ServerCredentials.createInsecure();
  const read = (file: string, flag: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new BadInputError(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, problems: [`${flag}: a readable PEM file`] });
    }
  };
  const cert = read(opts.tls.cert, '--tls-cert');
  const key = read(opts.tls.key, '--tls-key');
  try {
    return grpc.ServerCredentials.createSsl(null, [{ cert_chain: cert, private_key: key }], false);
  } catch (err) {
    throw new BadInputError(`--tls-cert ${opts.tls.cert} / --tls-key ${opts.tls.key}: ${(err as Error).message}`, { cause: err, problems: ['--tls-cert, --tls-key: a PEM certificate (chain) and its private key'] });
  }
}

/** How long close() lets calls finish before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Rejects every Rollouts call whose `authorization` is not `Bearer <token>` (compared in constant time). */
function authInterceptor(token: string): grpc.ServerInterceptor {
  const want = digest(`Bearer ${token}`);
  const guarded = `/${ROLLOUTS_SERVICE}/`;
  return (method, call) => new grpc.ServerInterceptingCall(call, {
    start(next) {
      next({
        onReceiveMetadata(metadata, mdNext) {
          if (!method.path.startsWith(guarded)) return mdNext(metadata);
          const got = metadata.get('authorization')[0];
          if (typeof got === 'string' && timingSafeEqual(digest(got), want)) return mdNext(metadata);
          call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: got === undefined ? 'no authorization metadata; send `authorization: Bearer <token>` (runs/.controller.json)' : 'wrong token' });
        },
      });
    },
  });
}

/** '' (the newest) or a run id; anything else is INVALID_ARGUMENT naming the request's field, before the service sees it. */
function idOf(id: string, field: string): string {
  return id === '' ? id : checkRunId(id, field);
}

function unary<Req, Res>(fn: (req: Req) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve().then(() => fn(call.request)).then((r) => callback(null, r), (err: unknown) => callback(toStatus(err)));
  };
}

type WatchCall = grpc.ServerWritableStream<WatchRolloutRequest__Output, PRolloutEvent>;

function handlers(service: RolloutService, watches: Map<WatchCall, AbortController>): RolloutsHandlers {
  const watch = async (call: WatchCall) => {
    const ac = new AbortController();
    watches.set(call, ac);
    call.on('cancelled', () => ac.abort());
    try {
      for await (const e of service.watch(idOf(call.request.id, 'WatchRolloutRequest.id'), ac.signal)) {
        if (ac.signal.aborted) break;
        if (!call.write(eventToProto(e))) await once(call, 'drain', { signal: ac.signal }).catch(() => undefined);
      }
      if (!ac.signal.aborted) call.end();
    } catch (err) {
      if (!ac.signal.aborted) call.emit('error', toStatus(err));
    } finally {
      watches.delete(call);
      ac.abort();
    }
  };
  return {
    StartRollout: unary(async (r) => rolloutToProto(await service.start({ playbook: r.playbook, source: r.source, ...(r.seed === undefined || r.seed === null ? {} : { seed: r.seed }) }))),
    GetRollout: unary((r) => rolloutToProto(service.get(idOf(r.id, 'GetRolloutRequest.id')))),
    ListRollouts: unary((r) => {
      const l = service.list(r.activeOnly);
      return { rollouts: l.rollouts.map(rolloutToProto), damaged: l.damaged };
    }),
    WatchRollout: (call) => void watch(call),
    Promote: unary(async (r) => rolloutToProto(await service.promote(idOf(r.id, 'PromoteRequest.id'), r.reason))),
    Abort: unary(async (r) => rolloutToProto(await service.abort(idOf(r.id, 'AbortRequest.id'), r.reason))),
    Resume: unary(async (r) => rolloutToProto(await service.resume(idOf(r.id, 'ResumeRequest.id'), r.reason))),
  };
}

export async function serveRollouts(service: RolloutService, opts: ServeOptions = {}): Promise<ServedRollouts> {
  const host = opts.host ?? '127.0.0.1';
  const creds = serverCredentials(host, opts);
  const token = opts.token ?? randomBytes(32).toString('hex');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const dialHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : hostPart;
  const server = new grpc.Server({ interceptors: [authInterceptor(token)] });
  const watches = new Map<WatchCall, AbortController>();
  server.addService(loadRolloutProto().brownout.rollout.v1.Rollouts.service, handlers(service, watches));
  const health = createHealth();
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(`${hostPart}:${opts.port ?? 0}`, creds, (err, p) => {
    if (err) reject(new EnvironmentError(`cannot serve the rollout API on ${hostPart}:${opts.port ?? 0}: ${err.message}`, { cause: err, hint: 'pick another with --port, or 0 for a free one' }));
    else resolve(p);
  }));
  health.setStatus('', 'SERVING');
  health.setStatus(ROLLOUTS_SERVICE, 'SERVING');
  let closed: Promise<void> | undefined;
  return {
    address: `${dialHost}:${port}`, port, token, tls: opts.tls !== undefined,
    close: () => closed ??= (async () => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(ROLLOUTS_SERVICE, 'NOT_SERVING');
      // Watchers hear why their stream ends; their service iterators stop on the abort.
      for (const [call, ac] of watches) {
        ac.abort();
        call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'the rollout controller is shutting down' });
      }
      await new Promise<void>((resolve) => {
        const cut = setTimeout(() => { server.forceShutdown(); resolve(); }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => { clearTimeout(cut); resolve(); });
      });
    })(),
  };
}
