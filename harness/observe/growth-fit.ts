// How a count grows with cluster size: a least-squares fit of y = a·n^b on log-log axes. b ≈ 1 is
// linear growth (one restart in a full mesh: 2(n−1)+5), b ≈ 2 quadratic (restarting n/2 at once).

export interface PowerFit {
  /** y = a · n^b */
  a: number;
  b: number;
  /** Coefficient of determination on the log-log points (1 = a perfect power law). */
  r2: number;
  /** Points used (those with y > 0). */
  points: number;
}

export function fitPowerLaw(points: readonly { n: number; y: number }[]): PowerFit | null {
  const ps = points.filter((p) => p.n > 0 && p.y > 0).map((p) => ({ x: Math.log(p.n), y: Math.log(p.y) }));
  if (ps.length < 2) return null;
  const mx = ps.reduce((s, p) => s + p.x, 0) / ps.length;
  const my = ps.reduce((s, p) => s + p.y, 0) / ps.length;
  const sxx = ps.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  const b = ps.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  const lnA = my - b * mx;
  const ssTot = ps.reduce((s, p) => s + (p.y - my) ** 2, 0);
  const ssRes = ps.reduce((s, p) => s + (p.y - (lnA + b * p.x)) ** 2, 0);
  return { a: Math.exp(lnA), b, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot, points: ps.length };
}
