// A human's decisions: on a paused rollout, promote (the stage counts as passed), resume (soak and
// judge the stage again) or abort (roll back); during the upgrades or the soak, abort only.
import type { Decision } from '../../rollout-model/index.ts';
import type { DriveContext } from './drive-context.ts';

/** The paused rollout goes on as `d` says. */
export function reconcileDecision(x: DriveContext, d: Decision): void {
  x.checkShutdown();
  const s = x.state;
  const stage = s.stages[s.currentStage]!;
  s.decisions.push(d);
  if (d.action === 'promote') {
    s.message = `stage ${stage.name} promoted by a human${d.reason ? `: ${d.reason}` : ''}`;
    stage.phase = 'promoted';
    x.setPhase('progressing', s.message);
    x.setStage(stage, 'promoted');
  } else if (d.action === 'abort') {
    s.message = `aborted by a human${d.reason ? `: ${d.reason}` : ''}`;
    x.setPhase('rolling-back', s.message);
  } else {
    stage.attempts = (stage.attempts ?? 1) + 1;
    stage.gates = [];
    stage.soakStartedAt = undefined;
    stage.soakEndedAt = undefined;
    x.setPhase('progressing', `stage ${stage.name} resumed: soak and judge again${d.reason ? ` (${d.reason})` : ''}`);
    x.setStage(stage, 'soaking');
  }
}

/** An abort asked for while the rollout progressed: the rollback starts from wherever the stage is. */
export function reconcileAbortAsked(x: DriveContext): void {
  const s = x.state;
  const d = x.abortAsked!;
  x.abortAsked = undefined;
  s.decisions.push(d);
  const stage = s.stages[s.currentStage]!;
  s.message = `aborted by a human during stage ${stage.name} (${stage.phase})${d.reason ? `: ${d.reason}` : ''}`;
  x.setPhase('rolling-back', s.message);
}
