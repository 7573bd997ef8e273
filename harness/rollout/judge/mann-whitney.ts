// The Mann-Whitney U test (Wilcoxon rank-sum), two-sided or one-sided. Exact null distribution for
// small samples without ties, as R's wilcox.test and SciPy's mannwhitneyu do; otherwise the normal
// approximation with the tie correction and, by default, the continuity correction.
import { exactUCdf } from './exact-u.ts';
import { normalCdf, normalSf } from './normal.ts';
import { midRanks } from './ranks.ts';

export type Alternative = 'two-sided' | 'greater' | 'less';
export type PMethod = 'exact' | 'asymptotic';

export interface MannWhitneyOptions {
  /** `greater`: x tends to be larger than y. Default two-sided. */
  alternative?: Alternative;
  /** Default: exact when both samples have fewer than 50 values and there are no ties (R's rule). */
  method?: PMethod;
  /** Continuity correction of ½ in the normal approximation. Default true. */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U of the first sample: pairs (xi, yj) with xi > yj, plus half the ties. R's W, SciPy's U1. */
  u: number;
  p: number;
  method: PMethod;
  /** Standardized statistic (asymptotic only). */
  z?: number;
  /** Whether the pooled sample had ties. */
  ties: boolean;
}

/** R switches to the normal approximation at 50 values per sample. */
export const EXACT_MAX_SAMPLE = 49;

export function mannWhitney(x: readonly number[], y: readonly number[], opts: MannWhitneyOptions = {}): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError(`mannWhitney: both samples need values (got ${m} and ${n})`);
  const alternative = opts.alternative ?? 'two-sided';
  const { ranks, ties } = midRanks([...x, ...y]);
  const rankSum = ranks.slice(0, m).reduce((a, b) => a + b, 0);
  const u = rankSum - (m * (m + 1)) / 2;
  const hasTies = ties.length > 0;
  const method: PMethod = opts.method ?? (m <= EXACT_MAX_SAMPLE && n <= EXACT_MAX_SAMPLE && !hasTies ? 'exact' : 'asymptotic');

  if (method === 'exact') {
    // P(U ≥ u) = P(U ≤ mn − u) by symmetry of the null distribution.
    const lower = exactUCdf(u, m, n);
    const upper = exactUCdf(m * n - u, m, n);
    const p = alternative === 'greater' ? upper : alternative === 'less' ? lower : Math.min(1, 2 * Math.min(lower, upper));
    return { u, p, method, ties: hasTies };
  }

  const N = m + n;
  const tieTerm = ties.reduce((a, t) => a + (t ** 3 - t), 0) / (N * (N - 1));
  const sigma = Math.sqrt(((m * n) / 12) * (N + 1 - tieTerm));
  const d = u - (m * n) / 2;
  const c = opts.continuity === false ? 0 : 0.5;
  // The correction moves the statistic toward the mean (R: CORRECTION = sign(z) * 0.5).
  const shift = alternative === 'greater' ? c : alternative === 'less' ? -c : Math.sign(d) * c;
  const z = sigma === 0 ? 0 : (d - shift) / sigma;
  const p = alternative === 'greater' ? normalSf(z) : alternative === 'less' ? normalCdf(z) : Math.min(1, 2 * Math.min(normalCdf(z), normalSf(z)));
  return { u, p, method, z, ties: hasTies };
}
