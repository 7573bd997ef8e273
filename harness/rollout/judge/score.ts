// Kayenta-style score over the metrics of one comparison: the share of metrics with data that are
// not harmful, 0..100. score ≥ pass: Successful; marginal ≤ score < pass: Inconclusive (the rollout
// pauses for a human); below marginal, or a critical metric harmful: Failed (the rollout rolls back).
import type { MetricResult } from './classify.ts';

export type CanaryOutcome = 'Successful' | 'Inconclusive' | 'Failed';

export interface ScoreBounds {
  /** 0..100. */
  pass: number;
  /** 0..100, ≤ pass. */
  marginal: number;
}

export interface CanaryScore {
  /** null when no metric had data. */
  score: number | null;
  outcome: CanaryOutcome;
  counted: number;
  passed: number;
  /** Names of harmful critical metrics (each fails the comparison alone). */
  criticalFailures: string[];
  reason: string;
}

export function scoreCanary(results: readonly MetricResult[], bounds: ScoreBounds, critical: ReadonlySet<string> = new Set()): CanaryScore {
  if (bounds.marginal > bounds.pass) throw new RangeError(`scoreCanary: marginal ${bounds.marginal} above pass ${bounds.pass}`);
  const counted = results.filter((r) => r.class !== 'nodata');
  const passed = counted.filter((r) => !r.harmful).length;
  const criticalFailures = counted.filter((r) => r.harmful && critical.has(r.name)).map((r) => r.name);
  if (counted.length === 0) {
    // Nothing to judge on is not a pass: a human looks.
    return { score: null, outcome: 'Inconclusive', counted: 0, passed: 0, criticalFailures, reason: `no metric had data (${results.length} configured)` };
  }
  const score = (100 * passed) / counted.length;
  const tally = `${passed}/${counted.length} metrics pass, score ${Math.round(score * 10) / 10}`;
  if (criticalFailures.length) return { score, outcome: 'Failed', counted: counted.length, passed, criticalFailures, reason: `critical metric ${criticalFailures.join(', ')} harmful (${tally})` };
  const outcome: CanaryOutcome = score >= bounds.pass ? 'Successful' : score >= bounds.marginal ? 'Inconclusive' : 'Failed';
  const rel = outcome === 'Successful' ? `≥ pass ${bounds.pass}` : outcome === 'Inconclusive' ? `< pass ${bounds.pass}, ≥ marginal ${bounds.marginal}` : `< marginal ${bounds.marginal}`;
  return { score, outcome, counted: counted.length, passed, criticalFailures, reason: `${tally} ${rel}` };
}
