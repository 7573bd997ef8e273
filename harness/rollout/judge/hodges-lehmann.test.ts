// Expected values copied from published output (see mann-whitney.test.ts for the data sources):
//  [hw]       Hodges-Lehmann point estimate -0.305 (early − term): Geyer's Stat 5601 notes and SAS
//             PROC NPAR1WAY ("Location Shift (Ctrl - Trt) -0.3050", lower 95 % limit -0.7600).
//  [statxact] StatXact-4 manual p. 221 via exactRankTests' reg-tests.R: estimate 9.5 (treat − contr).
//  [sas]      SAS PROC NPAR1WAY Example "Hodges-Lehmann Estimation" (React data): location shift 0.35.
import assert from 'node:assert/strict';
import { hodgesLehmann } from './hodges-lehmann.ts';

const hwTerm = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const hwEarly = [1.15, 0.88, 0.90, 0.74, 1.21];
const treat = [94, 108, 110, 90];
const contr = [80, 94, 85, 90, 90, 90, 108, 94, 78, 105, 88];
const close = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps;

describe('rollout judge - Hodges-Lehmann shift', () => {
  it('rollout judge - Hodges-Lehmann [hw] estimate -0.305 and lower 95 % limit -0.76, interval holds the estimate', () => {
    const r = hodgesLehmann(hwEarly, hwTerm, 0.95);
    assert.ok(close(r.estimate, -0.305), `estimate ${r.estimate}`);
    assert.ok(close(r.lower, -0.76), `lower ${r.lower}`);
    // No published exact upper limit found (SAS prints its asymptotic Moses limit, 0.17); the
    // distribution-free interval must still hold the estimate and reach at least 95 %.
    assert.ok(r.lower <= r.estimate && r.estimate <= r.upper);
    assert.equal(r.method, 'exact');
    assert.ok(r.achievedConfidence >= 0.95 && r.achievedConfidence < 0.97, `achieved ${r.achievedConfidence}`);
  });

  it('rollout judge - Hodges-Lehmann swapping the samples negates the estimate and mirrors the interval', () => {
    const a = hodgesLehmann(hwEarly, hwTerm);
    const b = hodgesLehmann(hwTerm, hwEarly);
    assert.ok(close(b.estimate, 0.305));
    assert.ok(close(a.lower, -b.upper) && close(a.upper, -b.lower));
  });

  it('rollout judge - Hodges-Lehmann [statxact] estimate 9.5 with ties', () => {
    assert.equal(hodgesLehmann(treat, contr).estimate, 9.5);
  });

  it('rollout judge - Hodges-Lehmann large samples use the normal approximation and cover a known shift', () => {
    // A pure shift of exactly 10 with no noise: every pairwise difference straddles 10 symmetrically.
    const base = Array.from({ length: 60 }, (_, i) => i);
    const r = hodgesLehmann(base.map((v) => v + 10), base, 0.95);
    assert.equal(r.method, 'asymptotic');
    assert.equal(r.estimate, 10);
    assert.ok(r.lower < 10 && r.upper > 10);
    assert.ok(close(10 - r.lower, r.upper - 10), 'symmetric around the shift');
  });

  it('rollout judge - Hodges-Lehmann refuses empty samples and a confidence outside (0, 1)', () => {
    assert.throws(() => hodgesLehmann([], [1]), /both samples need values/);
    assert.throws(() => hodgesLehmann([1], [1], 1), /confidence must be in/);
  });
});
