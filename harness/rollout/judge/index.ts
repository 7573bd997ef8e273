export { classifyMetric, isHarmful, type MetricClass, type MetricConfig, type MetricResult } from './classify.ts';
export { exactUCdf, exactUQuantile } from './exact-u.ts';
export { hodgesLehmann, pairwiseDifferences, type ShiftEstimate } from './hodges-lehmann.ts';
export { judgeCanary, type CanaryJudgement, type CanarySeries } from './judge-canary.ts';
export { mannWhitney, type Alternative, type MannWhitneyOptions, type MannWhitneyResult } from './mann-whitney.ts';
export { CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, type CanaryMetricName, type Harm } from './metrics.ts';
export { normalCdf, normalQuantile, normalSf } from './normal.ts';
export { scoreCanary, type CanaryOutcome, type CanaryScore, type ScoreBounds } from './score.ts';
