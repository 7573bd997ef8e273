// npm run rollout -- serve: the rollout controller in the foreground, serving gRPC (TLS required off
// loopback) until SIGINT/SIGTERM or, for a controller a client started in the background, until it
// has had no rollout to drive for a while. The client commands are rollout.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { BadInputError, EXIT, EnvironmentError } from '../../core/errors.ts';
import { controllerFile } from '../../core/layout.ts';
import { createProgress } from '../../core/progress.ts';
import { RolloutController } from '../rollout/controller/controller.ts';
import { findController } from '../rollout/grpc/client.ts';
import { removeControllerFile, writeControllerFile } from '../rollout/grpc/controller-file.ts';
import { serveSecurity } from '../rollout/grpc/serve-security.ts';
import { serveRollouts } from '../rollout/grpc/server.ts';
import { serveMetrics, type MetricsPort } from './metrics-port.ts';

type Write = (line: string) => void;
const stdout: Write = (l) => process.stdout.write(l + '\n');

export interface ServeArgs {
  host?: string;
  port?: number;
  metricsPort?: MetricsPort;
  /** Stop after this long with no rollout to drive (minutes; 0 or absent: never). */
  idleExitMinutes?: number;
  /** Serve TLS: certificate (chain) and key, PEM files; `tlsCa` is the CA clients trust (recorded in the controller file). */
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  /** Serve plain text off loopback anyway, with a warning. */
  insecure?: boolean;
  controllerFile?: string;
  write?: Write;
  /** Stops serving when it aborts; SIGINT/SIGTERM by default. */
  signal?: AbortSignal;
}

/** Every problem with the TLS flags and the host, before anything is served (exit 2). */
function checkServeFlags(a: ServeArgs): { tls?: { cert: string; key: string } } {
  const problems: string[] = [];
  if ((a.tlsCert === undefined) !== (a.tlsKey === undefined)) problems.push(`${a.tlsCert === undefined ? '--tls-cert' : '--tls-key'}: required with ${a.tlsCert === undefined ? '--tls-key' : '--tls-cert'} (a PEM certificate and its key)`);
  if (a.tlsCa !== undefined && a.tlsCert === undefined) problems.push('--tls-ca: only with --tls-cert and --tls-key (the CA clients trust for that certificate)');
  for (const [flag, f] of [['--tls-cert', a.tlsCert], ['--tls-key', a.tlsKey], ['--tls-ca', a.tlsCa]] as const) if (f !== undefined && !existsSync(f)) problems.push(`${flag}: ${f} does not exist`);
  const tls = a.tlsCert !== undefined && a.tlsKey !== undefined;
  problems.push(...serveSecurity({ host: a.host ?? '127.0.0.1', tls, insecure: a.insecure === true }).problems);
  if (problems.length) throw new BadInputError(`rollout serve: ${problems.length} problem(s) with the flags`, { problems });
  return tls ? { tls: { cert: path.resolve(a.tlsCert!), key: path.resolve(a.tlsKey!) } } : {};
}

export async function rolloutServe(a: ServeArgs): Promise<number> {
  const write = a.write ?? stdout;
  const { tls } = checkServeFlags(a);
  const file = a.controllerFile ?? controllerFile();
  const running = await findController(file);
  if (running) throw new EnvironmentError(`a rollout controller already runs: pid ${running.pid} on ${running.address} (${file})`, { hint: `stop it first (kill ${running.pid}), or use that one` });
  const stop = new AbortController();
  const { signal, release } = a.signal ? { signal: a.signal, release: () => {} } : untilSignal();
  const onStop = () => stop.abort();
  signal.addEventListener('abort', onStop, { once: true });
  if (signal.aborted) stop.abort();
  const registry = new Registry();
  const metrics = await serveMetrics(a.metricsPort ?? 'off', registry, write);
  const controller = new RolloutController({ progress: createProgress('rollout'), registry, runsDir: path.dirname(file) });
  const idle = idleExit(controller, a.idleExitMinutes ?? 0, () => {
    write(`no rollout to drive for ${a.idleExitMinutes} min: stopping (--idle-exit-minutes)`);
    stop.abort();
  });
  try {
    const served = await serveRollouts(controller, { host: a.host, port: a.port, ...(tls ? { tls } : {}), insecure: a.insecure === true, warn: write });
    try {
      writeControllerFile(file, {
        address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: new Date().toISOString(),
        ...(tls ? { tls: a.tlsCa === undefined ? {} : { ca: path.resolve(a.tlsCa) } } : {}),
      });
      write(`rollout controller: grpc${tls ? ' over TLS' : ''} ${served.address} (pid ${process.pid}); token in ${file} (mode 0600)`);
      const recovered = await controller.recover();
      if (recovered.length) write(`recovered ${recovered.length} rollout(s) a previous controller left running: ${recovered.join(', ')}`);
      write(`serving until SIGINT or SIGTERM${a.idleExitMinutes ? ` or ${a.idleExitMinutes} min with no rollout to drive` : ''}`);
      if (!stop.signal.aborted) await new Promise((r) => stop.signal.addEventListener('abort', r, { once: true }));
      write('stopping: the rollouts keep their state in runs/<id>/rollout.json; the next controller goes on with them');
    } finally {
      await served.close();
      removeControllerFile(file);
    }
  } finally {
    idle.stop();
    signal.removeEventListener('abort', onStop);
    await controller.close();
    release();
    await metrics?.stop();
  }
  return EXIT.pass;
}

/** Calls `onIdle` once the controller has driven no rollout for `minutes` (0: never). */
function idleExit(controller: RolloutController, minutes: number, onIdle: () => void): { stop: () => void } {
  if (!(minutes > 0)) return { stop: () => {} };
  const idleMs = minutes * 60_000;
  let since = Date.now();
  const timer = setInterval(() => {
    if (controller.driving > 0) since = Date.now();
    else if (Date.now() - since >= idleMs) {
      clearInterval(timer);
      onIdle();
    }
  }, Math.min(10_000, Math.max(100, idleMs / 20)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * An AbortSignal for SIGINT/SIGTERM. The handlers stay until release(): a second signal while the
 * controller finishes a rollout's teardown is noted, not the default exit that would cut it short.
 */
export function untilSignal(): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  const stop = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.stderr.write(`${sig}: still stopping (finishing what is under way); SIGKILL to force\n`);
    ac.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { signal: ac.signal, release: () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); } };
}

export function parseMinutes(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new BadInputError(`--idle-exit-minutes ${raw} is not a duration`, { problems: [`--idle-exit-minutes: "${raw}"; allowed: minutes ≥ 0 (decimals allowed; 0 never)`] });
  return n;
}

export function parsePort(raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new BadInputError(`--port ${raw} is not a port`, { problems: [`--port: "${raw}"; allowed: 0..65535 (0 picks a free one)`] });
  return n;
}

