// A stage's threshold gates judged over its window with the scenarios' registry and checks (the
// stage's bounds and settings), and the stage's decision from all its gates. Pure: records in,
// gate results out.
import type { GateResult, Stage } from '../../rollout-model/index.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { judge } from '../../verdict/judge.ts';
import { CHECK_KEYS, THRESHOLD_KEYS, type Thresholds } from '../../verdict/registry.ts';

/** Only the stage's gated thresholds are checked (each at its bound); its settings apply. */
export function stageThresholds(stage: Stage): Thresholds {
  const out: Record<string, Record<string, unknown>> = {};
  const set = (key: string, v: unknown) => {
    const [g, f] = key.split('.') as [string, string];
    (out[g] ??= {})[f] = v;
  };
  for (const k of CHECK_KEYS) set(k, null);
  for (const g of stage.gates.thresholds) set(g.threshold, g.bound);
  for (const [k, v] of Object.entries(stage.settings)) if ((THRESHOLD_KEYS as readonly string[]).includes(k)) set(k, v);
  return out as Thresholds;
}

/**
 * Every threshold gate of the stage. A gate with nothing to judge (no link went down, so no
 * recovery to time) is reported as no-data and decides nothing: a rollout gate guards what did
 * happen in its window.
 */
export function judgeThresholdGates(stage: Stage, records: readonly TimelineRecord[]): GateResult[] {
  const verdict = judge(records, stageThresholds(stage), { detectors: [] });
  const gated = new Set<string>(stage.gates.thresholds.map((g) => g.threshold));
  return verdict.results.filter((r) => gated.has(r.name)).map((r) => ({
    stage: stage.name,
    gate: r.name,
    outcome: r.status === 'pass' ? 'pass' : r.status === 'fail' ? 'fail' : 'no-data',
    observed: r.observed,
    bound: r.bound,
    evidence: r.evidence.join('; '),
  }));
}

/** The stage's decision from its gates: any fail fails it; else any inconclusive pauses it. */
export function stageOutcome(gates: readonly GateResult[]): 'pass' | 'fail' | 'inconclusive' {
  if (gates.some((g) => g.outcome === 'fail')) return 'fail';
  if (gates.some((g) => g.outcome === 'inconclusive')) return 'inconclusive';
  return 'pass';
}
