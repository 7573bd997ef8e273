// The canary-vs-baseline comparison gate: the canary's and the baseline's series cut from the
// stage's soak (rollout-model's canarySeries), every configured metric classified and scored
// (judgeCanary), the outcome said once as a gate outcome. Pure: records in, a gate result out.
import {
  CANARY_METRICS, canarySeries, gateOutcomeOf, NOT_CANARY_METRICS,
  type CanaryComparison, type CanaryMetricTable, type CanarySeries, type CompareGate, type GateResult, type MetricComparison, type Stage,
} from '../../rollout-model/index.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import type { MetricConfig, MetricResult } from './classify.ts';
import { judgeCanary, type CanaryJudgement } from './judge-canary.ts';

export function metricConfigs(gate: CompareGate): MetricConfig[] {
  return gate.metrics.map((m) => ({ name: m.name, harm: m.harm, tolerance: m.tolerance, critical: m.critical, minSamples: gate.minSamples, confidence: gate.confidence }));
}

/** The comparison's statistics over given series, with the gate's metric settings and bounds. */
export function judgeCompareGate(series: CanarySeries, gate: CompareGate): CanaryJudgement {
  return judgeCanary(series, metricConfigs(gate), { pass: gate.pass, marginal: gate.marginal });
}

function metricComparison(m: MetricResult): MetricComparison {
  return {
    name: m.name, class: m.class, harmful: m.harmful, canarySamples: m.canarySamples, baselineSamples: m.baselineSamples,
    pValue: m.test?.p ?? 0, shift: m.shift?.estimate ?? 0, shiftLower: m.shift?.lower ?? 0, shiftUpper: m.shift?.upper ?? 0,
    // A state written before probe.latency was withdrawn may still name it: say why it has no data.
    reason: m.class === 'no-data' && NOT_CANARY_METRICS[m.name] ? `no per-server samples: ${NOT_CANARY_METRICS[m.name]}` : m.reason,
  };
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

/** The comparison gate of a stage over [from, to]: pass (successful), inconclusive (pauses), fail (failed). */
export function judgeCompare(stage: Stage, records: readonly TimelineRecord[], canary: string, baseline: string, from: number, to: number, metrics: CanaryMetricTable = CANARY_METRICS): GateResult {
  const gate = stage.gates.compare!;
  const j = judgeCompareGate(canarySeries(records, canary, baseline, from, to, metrics), gate);
  const comparison: CanaryComparison = {
    canary, baseline,
    ...(j.score === null ? {} : { score: j.score }),
    passBound: gate.pass, marginalBound: gate.marginal, outcome: j.outcome, metrics: j.metrics.map(metricComparison), reason: j.reason,
  };
  const harmful = comparison.metrics.filter((m) => m.harmful).map((m) => `${m.name} ${m.class} (shift ${fmt(m.shift)} [${fmt(m.shiftLower)}, ${fmt(m.shiftUpper)}], p ${fmt(m.pValue)})`);
  return {
    stage: stage.name,
    gate: 'compare',
    outcome: gateOutcomeOf(j.outcome),
    observed: j.score === null ? 'no data' : `score ${Math.round(j.score * 10) / 10}`,
    bound: `pass ≥ ${gate.pass}, marginal ≥ ${gate.marginal}`,
    evidence: `${canary} vs ${baseline}: ${j.reason}${harmful.length ? `; harmful: ${harmful.join(', ')}` : ''}`,
    comparison,
  };
}
