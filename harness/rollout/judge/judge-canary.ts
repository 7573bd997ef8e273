// The whole canary-vs-baseline judgement: every configured metric classified, then scored.
import type { CanarySeries } from '../../rollout-model/index.ts';
import { classifyMetric, type MetricConfig, type MetricResult } from './classify.ts';
import { scoreCanary, type CanaryScore, type ScoreBounds } from './score.ts';

export interface CanaryJudgement extends CanaryScore {
  metrics: MetricResult[];
}

export function judgeCanary(series: CanarySeries, metrics: readonly MetricConfig[], bounds: ScoreBounds): CanaryJudgement {
  const results = metrics.map((m) => classifyMetric(series[m.name]?.canary ?? [], series[m.name]?.baseline ?? [], m));
  const critical = new Set(metrics.filter((m) => m.critical).map((m) => m.name));
  return { ...scoreCanary(results, bounds, critical), metrics: results };
}
