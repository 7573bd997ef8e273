// A stage's judging: its gates over its window (rollout/judge), each announced, then the stage
// passes, fails (a rollback follows when its policy says so) or pauses for a human. Judging again
// gives the same answer from the same records, so a controller that resumes here judges again.
import type { GateResult, Stage, StageState } from '../../rollout-model/index.ts';
import { judgeCompare } from '../judge/compare-gate.ts';
import { judgeThresholdGates, stageOutcome } from '../judge/threshold-gates.ts';
import { now, type DriveContext } from './drive-context.ts';
import { scopeToTarget } from './scope.ts';

export async function reconcileJudge(x: DriveContext, stage: StageState, spec: Stage): Promise<void> {
  // The first attempt's window starts with the upgrades (their restarts are judged); a resumed one with its soak.
  const from = Date.parse((stage.attempts ?? 1) > 1 ? stage.soakStartedAt! : stage.startedAt!);
  const to = Date.parse(stage.soakEndedAt!);
  const window = scopeToTarget(x.windowOf(from, to), x.state.target);
  const gates: GateResult[] = judgeThresholdGates(spec, window);
  if (spec.gates.compare && stage.baselinePeer && stage.servers[0]) {
    gates.push(judgeCompare(spec, x.records(), stage.servers[0].server, stage.baselinePeer, Date.parse(stage.soakStartedAt!), to));
  }
  stage.gates = gates;
  for (const g of gates) {
    x.metrics?.setGate(stage.name, g.gate, g.outcome);
    if (g.comparison) x.metrics?.setComparison(stage.name, g.comparison.metrics.map((m) => ({ metric: m.name, shift: m.shift, pValue: m.pValue })), g.comparison.score);
    x.deps.emit({ gate: g });
    x.info(`gate ${stage.name} ${g.gate}: ${g.outcome.toUpperCase()} (${g.observed}; bound ${g.bound})`);
  }
  const outcome = stageOutcome(gates);
  const failing = gates.filter((g) => g.outcome === (outcome === 'fail' ? 'fail' : 'inconclusive')).map((g) => `${g.gate} ${g.observed} (bound ${g.bound})`);
  stage.endedAt = now();
  if (outcome === 'pass') return void x.setStage(stage, 'passed');
  if (outcome === 'fail' && spec.onFailure === 'rollback') {
    x.state.message = `stage ${stage.name} failed its gates: ${failing.join('; ')}`;
    return void x.setStage(stage, 'failed');
  }
  x.state.message = `stage ${stage.name} ${outcome === 'fail' ? 'failed (onFailure: pause)' : 'is inconclusive'}: ${failing.join('; ')}; promote, resume or abort`;
  x.setStage(stage, 'paused');
}
