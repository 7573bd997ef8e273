// The CLI's way to the rollout controller: find it through runs/.controller.json, check it answers
// (grpc.health.v1 with a short deadline), start `rollout serve` in the background when asked and
// none does, and call it with the token. Calls answer views (convert.ts) and throw the harness's
// own errors (status.ts), so the CLI prints and exits as it does for local errors.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { EnvironmentError } from '../../../core/errors.ts';
import { commandLine, controllerFile, FROM_SOURCE } from '../../../core/layout.ts';
import type { Progress } from '../../../core/progress.ts';
import { pidAlive } from '../../../clusters/index.ts';
import { readControllerFile, type ControllerInfo } from './controller-file.ts';
import type { DamagedRollout } from '../../rollout-model/index.ts';
import { eventFromProto, rolloutFromProto, type RolloutEventView, type RolloutView } from './convert.ts';
import type { Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
import type { RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';
import type { RolloutsClient } from './generated/brownout/rollout/v1/Rollouts.ts';
import { loadRolloutProto, ROLLOUTS_SERVICE } from './load-proto.ts';
import { fromServiceError } from './status.ts';

/** How long a health check may take before the controller counts as not answering. */
const HEALTH_DEADLINE_MS = 1_500;
/** How long a controller started in the background has to answer. */
const START_WAIT_MS = 20_000;

type HealthClient = grpc.Client & { check(req: { service: string }, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void): void };
let healthCtor: (new (address: string, creds: grpc.ChannelCredentials) => HealthClient) | undefined;

/** How to dial the controller `info` names: TLS trusting its CA file when it serves TLS, else plain text (loopback). */
export function channelCredentials(info: Pick<ControllerInfo, 'tls'>): grpc.ChannelCredentials {
  if (!info.tls) return grpc.credentials.createInsecure();
  if (info.tls.ca === undefined) return grpc.credentials.createSsl();
  try {
    return grpc.credentials.createSsl(readFileSync(info.tls.ca));
  } catch (err) {
    throw new EnvironmentError(`cannot read the controller's CA file ${info.tls.ca}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, hint: 'the controller file names it (rollout serve --tls-ca)' });
  }
}

/** True when a controller at `address` says Rollouts is SERVING within the deadline. */
export async function controllerAnswers(address: string, deadlineMs = HEALTH_DEADLINE_MS, creds: grpc.ChannelCredentials = grpc.credentials.createInsecure()): Promise<boolean> {
  healthCtor ??= (grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any).grpc.health.v1.Health;
  const client = new healthCtor!(address, creds);
  try {
    return await new Promise<boolean>((resolve) => client.check({ service: ROLLOUTS_SERVICE }, { deadline: Date.now() + deadlineMs }, (e, r) => resolve(!e && r?.status === 'SERVING')));
  } finally {
    client.close();
  }
}

/** The controller of `file` if its process lives and it answers; undefined otherwise. */
export async function findController(file = controllerFile()): Promise<ControllerInfo | undefined> {
  const info = readControllerFile(file);
  if (!info || !pidAlive(info.pid)) return undefined;
  return (await controllerAnswers(info.address, HEALTH_DEADLINE_MS, channelCredentials(info))) ? info : undefined;
}

/** The Rollouts API with the token on every call. */
export class RolloutApi {
  readonly client: RolloutsClient;
  readonly metadata: grpc.Metadata;
  constructor(readonly info: ControllerInfo) {
    this.client = new (loadRolloutProto().brownout.rollout.v1.Rollouts)(info.address, channelCredentials(info));
    this.metadata = new grpc.Metadata();
    this.metadata.set('authorization', `Bearer ${info.token}`);
  }

  private unary<Req>(what: string, call: (req: Req, md: grpc.Metadata, cb: grpc.requestCallback<Rollout__Output>) => unknown, req: Req): Promise<RolloutView> {
    return new Promise((resolve, reject) => {
      call.call(this.client, req, this.metadata, (e, r) => (e ? reject(fromServiceError(e, what)) : resolve(rolloutFromProto(r!))));
    });
  }

  start(req: { playbook: string; source: string; seed?: number }): Promise<RolloutView> {
    return this.unary('StartRollout', this.client.StartRollout, req);
  }
  get(id: string): Promise<RolloutView> {
    return this.unary('GetRollout', this.client.GetRollout, { id });
  }
  promote(id: string, reason: string): Promise<RolloutView> {
    return this.unary('Promote', this.client.Promote, { id, reason });
  }
  abort(id: string, reason: string): Promise<RolloutView> {
    return this.unary('Abort', this.client.Abort, { id, reason });
  }
  resume(id: string, reason: string): Promise<RolloutView> {
    return this.unary('Resume', this.client.Resume, { id, reason });
  }
  /** Newest first, and the rollout.json files the controller could not read (path and why). */
  list(activeOnly = false): Promise<{ rollouts: RolloutView[]; damaged: DamagedRollout[] }> {
    return new Promise((resolve, reject) => {
      this.client.ListRollouts({ activeOnly }, this.metadata, (e, r) => (e ? reject(fromServiceError(e, 'ListRollouts')) : resolve({
        rollouts: r!.rollouts.map(rolloutFromProto), damaged: r!.damaged.map((d) => ({ id: d.id, path: d.path, error: d.error })),
      })));
    });
  }

  /** The snapshot, then every event, until the rollout ends (the stream ends) or `signal` aborts. */
  async *watch(id: string, signal?: AbortSignal): AsyncIterable<RolloutEventView> {
    const call = this.client.WatchRollout({ id }, this.metadata);
    const cancel = () => call.cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for await (const e of call as AsyncIterable<RolloutEvent__Output>) yield eventFromProto(e);
    } catch (err) {
      if ((err as grpc.ServiceError).code === grpc.status.CANCELLED && signal?.aborted) return;
      throw typeof (err as grpc.ServiceError).code === 'number' ? fromServiceError(err as grpc.ServiceError, 'WatchRollout') : err;
    } finally {
      signal?.removeEventListener('abort', cancel);
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }
}

export interface ConnectOptions {
  /** Start `rollout serve` in the background when no controller answers. */
  startIfMissing: boolean;
  progress?: Progress;
  /** Default runs/.controller.json. */
  file?: string;
  /** One line on stderr by default: the background start must not go unnoticed. */
  say?: (line: string) => void;
  /** More flags for the background `rollout serve`, e.g. `--metrics-port 0`. */
  serveArgs?: string[];
  /** Checks the request the controller is started for; throws (and nothing starts) when it would fail. */
  beforeStart?: () => void;
}

/** A controller started in the background exits after this long with no rollout to drive (minutes; BROWNOUT_CONTROLLER_IDLE_MINUTES). */
export const BACKGROUND_IDLE_MINUTES = 10;

function backgroundIdleMinutes(): string {
  const v = process.env.BROWNOUT_CONTROLLER_IDLE_MINUTES;
  return v && v.trim() !== '' ? v : String(BACKGROUND_IDLE_MINUTES);
}

/** A client of the controller of `file`, started first when asked and none answers. */
export async function connectController(opts: ConnectOptions): Promise<RolloutApi> {
  const file = opts.file ?? controllerFile();
  const found = await findController(file);
  if (found) return new RolloutApi(found);
  if (!opts.startIfMissing) {
    throw new EnvironmentError(`no rollout controller answers (${file} ${readControllerFile(file) ? 'names one that is gone' : 'does not exist'})`, { hint: `start one: ${commandLine('rollout')} serve` });
  }
  // A request that would be refused starts nothing: no controller left behind by a typo.
  opts.beforeStart?.();
  const say = opts.say ?? ((l: string) => process.stderr.write(l + '\n'));
  const extra = opts.serveArgs ?? [];
  const asked = extra.lastIndexOf('--idle-exit-minutes');
  const idle = asked >= 0 && extra[asked + 1] !== undefined ? extra[asked + 1]! : backgroundIdleMinutes();
  const args = ['--idle-exit-minutes', idle, ...extra];
  const info = await (opts.progress ? opts.progress.step('starting the rollout controller', () => startInBackground(file, args)) : startInBackground(file, args));
  say(`started the rollout controller in the background: pid ${info.pid}, ${info.address}, log ${logFileFor(file)} (it exits after ${idle} min with no rollout to drive; stop it sooner with kill ${info.pid})`);
  return new RolloutApi(info);
}

export function logFileFor(file: string): string {
  return path.join(path.dirname(file), '.controller.log');
}

/** The command line of `rollout serve` on this way in (tsx for a checkout, the compiled file when installed). */
export function serveCommand(): string[] {
  const main = fileURLToPath(new URL(`../../cli/main.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
  if (!FROM_SOURCE) return [main, 'rollout', 'serve'];
  // tsx's loader by absolute URL, so the child does not depend on the caller's cwd.
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, main, 'rollout', 'serve'];
}

async function startInBackground(file: string, serveArgs: string[]): Promise<ControllerInfo> {
  const log = logFileFor(file);
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(log, 'a', 0o600);
  const child = spawn(process.execPath, [...serveCommand(), ...serveArgs], {
    detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, BROWNOUT_RUNS_DIR: path.dirname(file) },
  });
  closeSync(fd);
  let exited: number | string | undefined;
  child.once('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));
  child.unref();
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    const info = readControllerFile(file);
    if (info && info.pid === child.pid && (await controllerAnswers(info.address, HEALTH_DEADLINE_MS, channelCredentials(info)))) return info;
    if (exited !== undefined) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (exited === undefined && child.pid) process.kill(child.pid, 'SIGTERM');
  const tail = (() => { try { return readFileSync(log, 'utf8').trim().split('\n').slice(-5).join(' | '); } catch { return ''; } })();
  throw new EnvironmentError(
    exited !== undefined ? `the rollout controller started in the background exited (${exited}) before it answered` : `the rollout controller started in the background did not answer within ${START_WAIT_MS / 1000} s`,
    { hint: `see ${log}${tail ? `: ${tail}` : ''}` },
  );
}
