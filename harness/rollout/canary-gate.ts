// A playbook's comparison gate, judged: its metric settings handed to the canary judge.
import { judgeCanary, type CanaryJudgement, type CanarySeries } from './judge/judge-canary.ts';
import type { MetricConfig } from './judge/classify.ts';
import type { CompareGate } from './playbook/types.ts';

export function metricConfigs(gate: CompareGate): MetricConfig[] {
  return gate.metrics.map((m) => ({ name: m.name, harm: m.harm, tolerance: m.tolerance, critical: m.critical, minSamples: gate.minSamples, confidence: gate.confidence }));
}

export function judgeCompareGate(series: CanarySeries, gate: CompareGate): CanaryJudgement {
  return judgeCanary(series, metricConfigs(gate), { pass: gate.pass, marginal: gate.marginal });
}
