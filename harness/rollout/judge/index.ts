// Public API of harness/rollout/judge: a stage's gates (thresholds, the canary comparison, the
// rollback's own) and the statistics under the comparison.
export { classifyMetric, type MetricConfig, type MetricResult } from './classify.ts';
export { judgeCompare, judgeCompareGate, metricConfigs } from './compare-gate.ts';
export { exactUCdf, exactUQuantile } from './exact-u.ts';
export { hodgesLehmann, pairwiseDifferences, type ShiftEstimate } from './hodges-lehmann.ts';
export { judgeCanary, type CanaryJudgement } from './judge-canary.ts';
export { mannWhitney, type Alternative, type MannWhitneyOptions, type MannWhitneyResult } from './mann-whitney.ts';
export { normalCdf, normalQuantile, normalSf } from './normal.ts';
export { baselineGate, meshGate, rollbackStuckGate, type RollbackServers } from './rollback-gates.ts';
export { scoreCanary, type CanaryScore, type ScoreBounds } from './score.ts';
export { judgeThresholdGates, stageOutcome, stageThresholds } from './threshold-gates.ts';
