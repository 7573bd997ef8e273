// A stage's soak: the stage's faults played on their clock through run/'s step player and a
// FaultLedger of the stage's own (the same fault records as any run's), then judging. A soak cut
// short by a stopped controller starts again from the beginning, on a clean network.
import { createRng } from '../../../chaos/rng.ts';
import type { TypedFault } from '../../../chaos/faults/registry.ts';
import type { Stage, StageState } from '../../rollout-model/index.ts';
import { FaultLedger } from '../../run/fault-ledger.ts';
import { playTimedSteps } from '../../run/play-steps.ts';
import { now, type DriveContext } from './drive-context.ts';

export async function reconcileSoak(x: DriveContext, stage: StageState, spec: Stage): Promise<void> {
  const idx = x.state.currentStage;
  if (stage.soakStartedAt) {
    x.info(`stage ${stage.name}: the soak was interrupted; starting it again`);
    await x.cluster.links.reset();
  }
  const start = Date.now();
  stage.soakStartedAt = new Date(start).toISOString();
  stage.soakEndedAt = undefined;
  x.save();
  x.info(`stage ${stage.name}: soaking ${spec.soakSeconds} s${spec.faults.length ? ` with ${spec.faults.length} fault(s)` : ''}`);
  const ledger = new FaultLedger({
    cluster: x.cluster, rng: createRng(x.state.seed + idx), protectedServers: new Set(), log: (m) => x.info(m),
  }, { append: (r) => x.sink(r) }, { idPrefix: `s${idx}-${x.session}-` });
  // Step indexes: 1000 per stage, its upgrade batches from 0, its soak's faults from 500.
  const steps = spec.faults.map((f, k) => ({
    index: idx * 1000 + 500 + k, name: `${stage.name}: ${f.type}`, fault: { type: f.type, attributes: f.attributes } as TypedFault, atSeconds: f.atSeconds, holdSeconds: f.holdSeconds,
  }));
  try {
    await playTimedSteps({ scenario: x.scenario, ledger, sink: { append: (r) => x.sink(r) }, signal: x.interruptSignal() }, steps, start, spec.soakSeconds);
    x.checkShutdown();
    if (x.abortAsked) return;
  } finally {
    await ledger.revertAll().catch((err: Error) => x.info(`stage ${stage.name}: ${err.message}`));
  }
  stage.soakEndedAt = now();
  x.setStage(stage, 'judging');
}
