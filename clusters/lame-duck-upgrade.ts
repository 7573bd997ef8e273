// Upgrade one server in place the way NATS operators do: lame duck (SIGUSR2: clients get an INFO
// with `ldm: true`, the server closes them spread over its lame-duck duration, then exits), then the
// target variant under the same name, config and ports. Safe to run twice: a controller restarted
// mid-step repeats it, and a server already on the target, or already stopped, is taken as it is.
import { BadInputError, HarnessError } from '../core/errors.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import type { Backend } from './backend.ts';
import { checkLameDuck, lameDuckExitDeadlineMs, lameDuckOf, versionOfVariant, type LameDuckSettings } from './lame-duck.ts';
import type { Topology } from './topology.ts';

export type UpgradeStep = 'lame-duck' | 'stopping' | 'starting';

export interface UpgradeOptions {
  /**
   * false or absent: no lame duck, plain SIGTERM stop. The values must be the ones the server was
   * started with (topology.lameDuck, else nats-server's 120 s / 10 s): they cannot be reloaded.
   */
  lameDuck?: LameDuckSettings | false;
  /** Called as each part begins, so the caller can record it before it happens. */
  onStep?: (step: UpgradeStep) => void;
}

export interface UpgradeTiming {
  lameDuckMs: number;
  stopMs: number;
  startMs: number;
}

export interface UpgradeContext {
  backend: Backend;
  topology: Topology;
  /** Writes the cluster state file; called after every change. */
  save: () => void;
}

export async function upgradeServer(ctx: UpgradeContext, name: string, variant: string, opts: UpgradeOptions = {}): Promise<UpgradeTiming> {
  const { backend, save } = ctx;
  const timing: UpgradeTiming = { lameDuckMs: 0, stopMs: 0, startMs: 0 };
  const step = (s: UpgradeStep) => opts.onStep?.(s);
  // Checked before anything happens, whatever state the server is in: the new server starts with the same config.
  if (opts.lameDuck) checkLameDuck(name, opts.lameDuck, lameDuckOf(ctx.topology), ctx.topology.lameDuck !== undefined);

  const want = backend.expectedVersion?.(variant) ?? versionOfVariant(variant);
  let running = await backend.isRunning(name);
  if (running && backend.endpoint(name).variant === variant && (await versionOf(backend, name)) === want) return timing;

  if (running && opts.lameDuck) {
    step('lame-duck');
    const t0 = Date.now();
    await backend.enterLameDuck(name);
    running = !(await backend.waitForExit(name, lameDuckExitDeadlineMs(opts.lameDuck)));
    timing.lameDuckMs = Date.now() - t0;
    save();
  }
  if (running) {
    step('stopping');
    const t0 = Date.now();
    await stop(backend, name);
    timing.stopMs = Date.now() - t0;
  } else {
    // Not answering: gone, or a process that never came up; clear whatever the backend still holds.
    await stop(backend, name);
  }
  save();

  step('starting');
  const t0 = Date.now();
  try {
    await backend.startServer(name, variant);
  } finally {
    save();
  }
  timing.startMs = Date.now() - t0;
  const version = await versionOf(backend, name);
  if (version !== want) {
    throw new HarnessError(`${name} was started as ${variant} but its /varz reports version ${version}, not ${want}`);
  }
  return timing;
}

async function versionOf(backend: Backend, name: string): Promise<string | undefined> {
  return (await monitorGet<Varz>(backend.endpoint(name).monitorUrl, 'varz', 2000).catch(() => undefined))?.version;
}

async function stop(backend: Backend, name: string): Promise<void> {
  try {
    await backend.stopServer(name, 'SIGTERM');
  } catch (cause) {
    // A step the backend refuses (an external cluster without hooks) is the user's to fix, as it says.
    if (cause instanceof BadInputError) throw cause;
    throw new HarnessError(`${name} could not be stopped for its upgrade: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
