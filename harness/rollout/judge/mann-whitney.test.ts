// Every expected number here is copied from a reference implementation's published output, never
// computed by us. Sources:
//  [scipy]  SciPy `scipy.stats.mannwhitneyu` docstring examples (Shier 2004 diabetes ages),
//           https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.mannwhitneyu.html
//  [hw]     Hollander & Wolfe (1973) p. 69, the example in R's `?wilcox.test`; exact P = 0.1272061 from
//           Geyer's Stat 5601 R notes (https://www.stat.umn.edu/geyer/s06/5601/examp/ranksum.html);
//           SAS PROC NPAR1WAY on the same data (exact Pr >= |S-Mean| 0.2544, Z with continuity
//           correction -1.1635, Pr > |Z| 0.2446), printed in the DescrTab2 CRAN package's SAS reference output.
//  [r-ties] R `wilcox.test` console output with ties (normal approximation, tie and continuity
//           corrections): https://rstudio-pubs-static.s3.amazonaws.com/811223_248a06b5f54a4911b7030c2981c22501.html
//           and https://endmemo.com/r/wilcoxon.php
//  [statxact] StatXact-4 manual p. 221 (diastolic blood pressure), asserted in exactRankTests'
//           tests/reg-tests.R: wilcox.exact(contr, treat, exact = FALSE)$p.value rounds to 0.0853
//           (normal approximation with the tie correction, no continuity correction).
//  [sawyer] Sawyer's Wilcoxon rank-sum MATLAB output, tie-corrected Z -2.5050, P 0.0122 (no continuity
//           correction): https://www.math.wustl.edu/~sawyer/m408s09/mprogs/WcxRankSum2.txt
import assert from 'node:assert/strict';
import { mannWhitney, type MannWhitneyOptions } from './mann-whitney.ts';

const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];
const hwTerm = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const hwEarly = [1.15, 0.88, 0.90, 0.74, 1.21];
const treat = [94, 108, 110, 90];
const contr = [80, 94, 85, 90, 90, 90, 108, 94, 78, 105, 88];

interface Case {
  name: string;
  x: number[];
  y: number[];
  opts?: MannWhitneyOptions;
  u: number;
  p: number;
  /** Decimal places the source printed. */
  digits: number;
  method: 'exact' | 'asymptotic';
  z?: number;
}

const cases: Case[] = [
  { name: '[scipy] exact two-sided', x: males, y: females, u: 17, p: 0.1111111111111111, digits: 15, method: 'exact' },
  { name: '[scipy] asymptotic with continuity correction', x: males, y: females, opts: { method: 'asymptotic' }, u: 17, p: 0.11134688653314041, digits: 13, method: 'asymptotic' },
  { name: '[scipy] asymptotic without continuity correction', x: males, y: females, opts: { method: 'asymptotic', continuity: false }, u: 17, p: 0.0864107329737, digits: 13, method: 'asymptotic' },
  { name: '[scipy] exact one-sided less', x: females, y: males, opts: { alternative: 'less' }, u: 3, p: 0.05555555555555555, digits: 15, method: 'exact' },
  { name: '[hw] exact one-sided greater (R: W = 35)', x: hwTerm, y: hwEarly, opts: { alternative: 'greater' }, u: 35, p: 0.1272061, digits: 7, method: 'exact' },
  { name: '[hw] exact one-sided lower tail, samples swapped (U = 15)', x: hwEarly, y: hwTerm, opts: { alternative: 'less' }, u: 15, p: 0.1272061, digits: 7, method: 'exact' },
  { name: '[hw] exact two-sided (SAS)', x: hwEarly, y: hwTerm, u: 15, p: 0.2544, digits: 4, method: 'exact' },
  { name: '[hw] asymptotic two-sided with continuity correction (SAS)', x: hwEarly, y: hwTerm, opts: { method: 'asymptotic' }, u: 15, p: 0.2446, digits: 4, method: 'asymptotic', z: -1.1635 },
  { name: '[r-ties] ties force the normal approximation', x: [2.7, 4.6, 2.6, 3.0, 3.2, 3.8], y: [4.6, 3.4, 2.9, 3.5, 4.1, 5.1], u: 9.5, p: 0.1994, digits: 4, method: 'asymptotic' },
  { name: '[r-ties] unequal sizes with ties', x: [1, 5, 9, 24, 56, 21, 3, 7, 21, 4], y: [12, 15, 5, 9, 9, 14, 56, 22, 3, 7, 32, 5], u: 51.5, p: 0.5966, digits: 4, method: 'asymptotic' },
  { name: '[r-ties] complete separation', x: [1, 5, 9, 24, 56, 21, 3, 7, 21, 4], y: [1233, 4356, 987, 39999, 1111, 200000], u: 0, p: 0.001364, digits: 6, method: 'asymptotic' },
  { name: '[statxact] tie-corrected, no continuity correction', x: contr, y: treat, opts: { continuity: false }, u: 9, p: 0.0853, digits: 4, method: 'asymptotic' },
  { name: '[sawyer] tie-corrected z, no continuity correction', x: [23, 21, 22, 14, 23, 19, 15, 15, 16], y: [27, 27, 22, 21, 27, 28, 19, 20, 31, 24, 21, 23, 23, 21], opts: { continuity: false }, u: 23.5, p: 0.0122, digits: 4, method: 'asymptotic', z: -2.5050 },
];

describe('rollout judge - Mann-Whitney U', () => {
  for (const c of cases) {
    it(`rollout judge - Mann-Whitney ${c.name}: U=${c.u}, p=${c.p}`, () => {
      const r = mannWhitney(c.x, c.y, c.opts);
      assert.equal(r.u, c.u);
      assert.equal(r.method, c.method);
      // Agree to every digit the source printed (half a unit in the last place).
      assert.ok(Math.abs(r.p - c.p) <= 0.5 * 10 ** -c.digits, `p ${r.p} vs published ${c.p}`);
      if (c.z !== undefined) assert.ok(Math.abs(r.z! - c.z) <= 0.5e-4, `z ${r.z} vs published ${c.z}`);
    });
  }

  it('rollout judge - Mann-Whitney identical samples give p = 1, an empty sample is refused', () => {
    assert.equal(mannWhitney([1, 2, 3], [1, 2, 3]).p, 1);
    assert.equal(mannWhitney([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], { method: 'exact' }).p, 1);
    assert.throws(() => mannWhitney([], [1]), /both samples need values/);
  });

  it('rollout judge - Mann-Whitney uses the exact distribution up to 49 per sample, the normal approximation from 50', () => {
    const a = Array.from({ length: 49 }, (_, i) => i);
    const b = Array.from({ length: 49 }, (_, i) => i + 0.5);
    assert.equal(mannWhitney(a, b).method, 'exact');
    assert.equal(mannWhitney([...a, 100], [...b, 100.5]).method, 'asymptotic');
  });
});
