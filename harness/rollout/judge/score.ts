// Kayenta-style score over the metrics of one comparison: the share of metrics with data that are
// not harmful, 0..100. score ≥ pass: successful; marginal ≤ score < pass: inconclusive (the rollout
// pauses for a human); below marginal, or a critical metric harmful: failed (the rollout rolls back).
// The words are the proto's CanaryOutcome, kept as they are all the way to the wire (phases.ts).
import type { CanaryOutcome } from '../../rollout-model/index.ts';
import type { MetricResult } from './classify.ts';

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
  const counted = results.filter((r) => r.class !== 'no-data');
  const passed = counted.filter((r) => !r.harmful).length;
  const criticalFailures = counted.filter((r) => r.harmful && critical.has(r.name)).map((r) => r.name);
  if (counted.length === 0) {
    // Nothing to judge on is not a pass: a human looks.
    return { score: null, outcome: 'inconclusive', counted: 0, passed: 0, criticalFailures, reason: `no metric had data (${results.length} configured)` };
  }
  const score = (100 * passed) / counted.length;
  const tally = `${passed}/${counted.length} metrics pass, score ${Math.round(score * 10) / 10}`;
  if (criticalFailures.length) return { score, outcome: 'failed', counted: counted.length, passed, criticalFailures, reason: `critical metric ${criticalFailures.join(', ')} harmful (${tally})` };
  const outcome: CanaryOutcome = score >= bounds.pass ? 'successful' : score >= bounds.marginal ? 'inconclusive' : 'failed';
  const rel = outcome === 'successful' ? `≥ pass ${bounds.pass}` : outcome === 'inconclusive' ? `< pass ${bounds.pass}, ≥ marginal ${bounds.marginal}` : `< marginal ${bounds.marginal}`;
  return { score, outcome, counted: counted.length, passed, criticalFailures, reason: `${tally} ${rel}` };
}
