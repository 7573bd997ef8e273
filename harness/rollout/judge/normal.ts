// The standard normal distribution, to double precision, with no table of magic coefficients:
// a power series near the centre and Laplace's continued fraction in the tails.

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function density(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** P(Z > x) for x ≥ 0. */
function upperTail(x: number): number {
  if (x < 5) {
    // Φ(x) − ½ = φ(x) Σ x^(2k+1) / (1·3·5···(2k+1)): every term positive, so no cancellation.
    let term = x;
    let sum = x;
    for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
      term *= (x * x) / (2 * k + 1);
      sum += term;
    }
    return 0.5 - density(x) * sum;
  }
  // Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated from the bottom; 60 levels are
  // far more than double precision needs at x ≥ 5.
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / f;
  return density(x) / f;
}

/** P(Z ≤ x). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/** P(Z > x), accurate in the far upper tail too. */
export function normalSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  return x >= 0 ? upperTail(x) : 1 - upperTail(-x);
}

/** The x with P(Z ≤ x) = p, by bisection on the CDF (monotone; 100 halvings reach double precision). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
