// Published reference values only:
//  - standard normal quantile z(0.975) = 1.959963984540054 (SciPy: scipy.stats.norm.ppf(0.975); R prints
//    qnorm(0.975) as 1.959964), Φ(1.96) = 0.9750021048517795 (scipy.stats.norm.cdf(1.96)).
//  - Mann-Whitney two-tailed α = 0.05 critical values (reject when U ≤ critical), from the standard
//    tables (e.g. Mann & Whitney 1947; reproduced in every statistics textbook): n1 = n2 = 5 → 2,
//    n1 = n2 = 8 → 13, n1 = n2 = 10 → 23, n1 = n2 = 20 → 127.
import assert from 'node:assert/strict';
import { exactUCdf, exactUQuantile } from './exact-u.ts';
import { normalCdf, normalQuantile, normalSf } from './normal.ts';

describe('rollout judge - distributions', () => {
  it('rollout judge - normal quantile and CDF agree with SciPy', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
    assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 1e-14);
    assert.ok(Math.abs(normalQuantile(0.025) + 1.959963984540054) < 1e-12);
    assert.equal(normalCdf(0), 0.5);
    // Symmetry and the far tail, where 1 − Φ would round to 0.
    for (const x of [0.3, 1, 2.5, 4.9, 5.1, 8]) assert.ok(Math.abs(normalSf(x) - normalCdf(-x)) <= 1e-15 * Math.max(1, 1 / normalSf(x)) + 1e-300);
    assert.ok(normalSf(10) > 0 && normalSf(10) < 1e-22);
  });

  for (const [n, critical] of [[5, 2], [8, 13], [10, 23], [20, 127]] as const) {
    it(`rollout judge - exact U: n1 = n2 = ${n} has two-tailed 5 % critical value ${critical}`, () => {
      assert.ok(exactUCdf(critical, n, n) <= 0.025, `P(U ≤ ${critical}) = ${exactUCdf(critical, n, n)}`);
      assert.ok(exactUCdf(critical + 1, n, n) > 0.025, `P(U ≤ ${critical + 1}) = ${exactUCdf(critical + 1, n, n)}`);
      assert.equal(exactUQuantile(0.025, n, n), critical + 1);
    });
  }

  it('rollout judge - exact U distribution is symmetric and sums to one', () => {
    for (const [m, n] of [[3, 7], [12, 5], [49, 49]] as const) {
      assert.equal(exactUCdf(m * n, m, n), 1);
      assert.equal(exactUCdf(-1, m, n), 0);
      const k = Math.floor((m * n) / 3);
      assert.ok(Math.abs(exactUCdf(k, m, n) - (1 - exactUCdf(m * n - k - 1, m, n))) < 1e-12);
    }
  });
});
