// Moving servers to another variant, as upgrades and rollbacks both do: one server's move in its
// recorded parts (lame duck, stop, start, the full mesh), and a group of moves framed as the restart
// the verdict knows (a step with an `upgrade` fault over it, recorded through a FaultLedger).
import type { ServerMover } from '../../../chaos/fault.ts';
import { createRng } from '../../../chaos/rng.ts';
import type { ServerUpgrade, Stage } from '../../rollout-model/index.ts';
import { FaultLedger } from '../../run/fault-ledger.ts';
import { now, ShutdownSignal, type DriveContext } from './drive-context.ts';

/** Lame duck, stop, start on `u.to`, wait for /healthz and the full mesh; each part recorded before it starts. */
export async function moveServer(x: DriveContext, u: ServerUpgrade, spec: Stage, onStop?: () => void): Promise<void> {
  const server = x.cluster.server(u.server);
  const ld = spec.upgrade.lameDuck;
  const mark = (step: ServerUpgrade['step']) => {
    u.step = step;
    u.startedAt ??= now();
    x.save();
    x.metrics?.setServerState(u.server, u.region, step);
    x.deps.emit({ upgrade: { ...u } });
  };
  u.startedAt ??= now();
  x.save();
  x.info(`${u.rollback ? 'rolling back' : 'upgrading'} ${u.server}: ${u.from} → ${u.to}${ld.enabled ? ` (lame duck ${ld.durationSeconds} s)` : ''}`);
  try {
    const timing = await server.upgrade(u.to, {
      lameDuck: ld.enabled ? { durationSeconds: ld.durationSeconds, graceSeconds: ld.graceSeconds } : false,
      onStep: (step) => {
        if (step === 'stopping') onStop?.();
        mark(step);
      },
    });
    u.lameDuckMs = timing.lameDuckMs;
    u.startMs = timing.stopMs + timing.startMs;
    mark('waiting-mesh');
    const t = Date.now();
    await x.cluster.waitForMesh(spec.upgrade.readySeconds * 1000);
    u.meshMs = Date.now() - t;
    u.endedAt = now();
    mark('done');
  } catch (err) {
    if (x.shuttingDown) throw new ShutdownSignal();
    u.message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    u.endedAt = now();
    mark('failed');
    throw err;
  }
}

export interface RestartStep {
  /** The step index its records carry. */
  index: number;
  /** Prefix of the fault id its records carry. */
  id: string;
  label: string;
  /** Every server the move restarts (a batch, with its baseline peer). */
  targets: string[];
  variant: string;
  /** Added to the fault record (baselinePeer, rollback). */
  attributes: Record<string, unknown>;
  readySeconds: number;
}

/**
 * Servers moved as the verdict reads a restart: a step with an `upgrade` fault over it
 * (chaos/faults/upgrade.ts, through a FaultLedger like every fault), applied before the move and
 * reverted after it, so STATSZ excess is counted after it and probe loss inside it is excused. The
 * fault keeps what it moved (a rollout moves servers back only by rolling back), and moves them the
 * rollout's way (`move`, which says whether every server made it).
 */
export async function asRestartStep(x: DriveContext, r: RestartStep, move: () => Promise<boolean>): Promise<void> {
  let ok = false;
  const mover: ServerMover = { move: async () => { ok = await move(); } };
  const ledger = new FaultLedger({ cluster: x.cluster, rng: createRng(x.state.seed), protectedServers: new Set(), log: (m) => x.info(m), mover }, { append: (rec) => x.sink(rec) }, { idPrefix: `${r.id}-` });
  x.sink({ t: Date.now(), kind: 'step', scenario: x.scenario, index: r.index, name: r.label, phase: 'start' });
  const entry = await ledger.apply({ type: 'upgrade', attributes: { servers: r.targets, variant: r.variant, keep: true } }, r.index, { from: 'start', attributes: r.attributes });
  if (ok) await x.untilObserverSeesMesh(r.readySeconds * 1000);
  await ledger.revert(entry);
  x.sink({ t: Date.now(), kind: 'step', scenario: x.scenario, index: r.index, name: r.label, phase: 'end', ok });
}
