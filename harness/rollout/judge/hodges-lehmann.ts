// The Hodges-Lehmann estimate of the shift between two samples (median of every difference
// x_i − y_j) and its distribution-free confidence interval: the C-th smallest and C-th largest of
// those differences, C taken from the Mann-Whitney null distribution (Hollander & Wolfe, ch. 4;
// R's wilcox.test, conf.int = TRUE, when exact). Large samples use the normal approximation of C.
import { exactUCdf, exactUQuantile } from './exact-u.ts';
import { EXACT_MAX_SAMPLE } from './mann-whitney.ts';
import { normalQuantile } from './normal.ts';

export interface ShiftEstimate {
  /** Median of the pairwise differences x_i − y_j. */
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence the interval actually has (the exact distribution is discrete). */
  achievedConfidence: number;
  method: 'exact' | 'asymptotic';
}

export function pairwiseDifferences(x: readonly number[], y: readonly number[]): number[] {
  const d: number[] = [];
  for (const a of x) for (const b of y) d.push(a - b);
  return d.sort((p, q) => p - q);
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function hodgesLehmann(x: readonly number[], y: readonly number[], confidence = 0.95): ShiftEstimate {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError(`hodgesLehmann: both samples need values (got ${m} and ${n})`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`hodgesLehmann: confidence must be in (0, 1), got ${confidence}`);
  const d = pairwiseDifferences(x, y);
  const mn = m * n;
  const alpha = 1 - confidence;
  let c: number;
  let achieved: number;
  let method: ShiftEstimate['method'];
  if (m <= EXACT_MAX_SAMPLE && n <= EXACT_MAX_SAMPLE) {
    // R: qu <- qwilcox(alpha/2, m, n); if (qu == 0) qu <- 1; interval = d[qu], d[mn - qu + 1].
    c = Math.max(1, exactUQuantile(alpha / 2, m, n));
    achieved = 1 - 2 * exactUCdf(c - 1, m, n);
    method = 'exact';
  } else {
    // Hollander & Wolfe: C = mn/2 − z_{α/2} √(mn(m+n+1)/12), rounded to the nearest integer.
    const z = normalQuantile(1 - alpha / 2);
    c = Math.max(1, Math.round(mn / 2 - z * Math.sqrt((mn * (m + n + 1)) / 12)));
    achieved = confidence;
    method = 'asymptotic';
  }
  return { estimate: median(d), lower: d[c - 1]!, upper: d[mn - c]!, achievedConfidence: achieved, method };
}
