// A stage's upgrades: its batches in order, each batch's servers moved at once; a batch already done
// is skipped, so a controller that resumes here goes on with the first batch not done.
import type { ServerUpgrade, Stage, StageState } from '../../rollout-model/index.ts';
import { now, ShutdownSignal, type DriveContext } from './drive-context.ts';
import { asRestartStep, moveServer } from './move-server.ts';

export async function reconcileUpgrade(x: DriveContext, stage: StageState, spec: Stage): Promise<void> {
  const idx = x.state.currentStage;
  for (const [b, batch] of stage.batches.entries()) {
    const ups = stage.servers.filter((u) => batch.includes(u.server));
    if (ups.every((u) => u.step === 'done')) continue;
    x.checkShutdown();
    if (x.abortAsked) return;
    const peer = stage.baselinePeer && !stage.baselinePeerRestartedAt ? stage.baselinePeer : undefined;
    const label = `${stage.name}: ${batch.join(', ')} → ${x.state.target}`;
    const failed = await upgradeBatch(x, ups, spec, idx * 1000 + b, label, peer);
    if (failed.length) {
      x.state.message = `stage ${stage.name}: upgrade of ${failed.map((u) => `${u.server} failed (${u.message})`).join('; ')}`;
      return void x.setStage(stage, 'failed');
    }
  }
  stage.soakStartedAt = undefined;
  x.setStage(stage, 'soaking');
}

/**
 * One batch at once, as a step with an `upgrade` fault over it, so the verdict treats it as the
 * restart it is (STATSZ excess, probe loss inside it excused). The baseline peer, if any, is
 * restarted when the canary stops, so restart effects fall on both sides of the comparison.
 */
async function upgradeBatch(x: DriveContext, ups: ServerUpgrade[], spec: Stage, stepIndex: number, label: string, peer?: string): Promise<ServerUpgrade[]> {
  const targets = [...ups.map((u) => u.server), ...(peer ? [peer] : [])];
  let results: PromiseSettledResult<void>[] = [];
  const step = { index: stepIndex, id: `u${stepIndex}-${x.session}`, label, targets, variant: ups[0]!.to, attributes: peer ? { baselinePeer: peer } : {}, readySeconds: spec.upgrade.readySeconds };
  await asRestartStep(x, step, async () => {
    let peerRestart: Promise<void> | undefined;
    const onStop = peer ? () => {
      peerRestart ??= (async () => {
        x.info(`restarting baseline peer ${peer} with the canary`);
        await x.cluster.server(peer).restart();
        x.state.stages[x.state.currentStage]!.baselinePeerRestartedAt = now();
        x.save();
      })();
    } : undefined;
    results = await Promise.allSettled(ups.map((u) => moveServer(x, u, spec, onStop)));
    if (peerRestart) await peerRestart.catch((err: Error) => x.info(`baseline peer ${peer} restart failed: ${err.message}`));
    return results.every((r) => r.status === 'fulfilled');
  });
  const shutdown = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof ShutdownSignal);
  if (shutdown) throw shutdown.reason;
  return ups.filter((_, k) => results[k]!.status === 'rejected');
}
