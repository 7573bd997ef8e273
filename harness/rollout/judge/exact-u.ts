// The exact null distribution of the Mann-Whitney U statistic for samples of m and n with no ties.
// The number of arrangements with U = u is the coefficient of q^u in the Gaussian binomial
// [m+n choose m]_q = Π_{i=1..m} (1 − q^(n+i)) / (1 − q^i); built with BigInt it is exact.

const cache = new Map<string, readonly bigint[]>();

/** counts[u] = number of the C(m+n, m) equally likely arrangements whose U equals u. */
export function exactUCounts(m: number, n: number): readonly bigint[] {
  const key = `${Math.min(m, n)}x${Math.max(m, n)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const size = m * n + 1;
  let poly: bigint[] = new Array<bigint>(size).fill(0n);
  poly[0] = 1n;
  for (let i = 1; i <= m; i++) {
    // Multiply by (1 − q^(n+i)), from the top down so each coefficient is read before it is changed.
    for (let k = size - 1; k >= n + i; k--) poly[k]! -= poly[k - n - i]!;
    // Divide by (1 − q^i): the quotient's coefficients are running sums with stride i.
    for (let k = i; k < size; k++) poly[k]! += poly[k - i]!;
  }
  cache.set(key, poly);
  return poly;
}

function total(counts: readonly bigint[]): bigint {
  return counts.reduce((a, b) => a + b, 0n);
}

function ratio(num: bigint, den: bigint): number {
  // Scale so the quotient keeps 53 bits even when both are ~1e30.
  const shift = 64n;
  return Number((num << shift) / den) / 2 ** 64;
}

/** P(U ≤ u) under the null, no ties. */
export function exactUCdf(u: number, m: number, n: number): number {
  const counts = exactUCounts(m, n);
  if (u < 0) return 0;
  if (u >= m * n) return 1;
  let below = 0n;
  for (let k = 0; k <= Math.floor(u); k++) below += counts[k]!;
  return ratio(below, total(counts));
}

/** Smallest u with P(U ≤ u) ≥ p (R's qwilcox). */
export function exactUQuantile(p: number, m: number, n: number): number {
  const counts = exactUCounts(m, n);
  const all = total(counts);
  let below = 0n;
  for (let u = 0; u < counts.length; u++) {
    below += counts[u]!;
    if (ratio(below, all) >= p * (1 - 64 * Number.EPSILON)) return u;
  }
  return m * n;
}
