import assert from 'node:assert/strict';
import { fitPowerLaw } from './growth-fit.ts';

const near = (x: number, y: number, eps = 1e-9) => assert.ok(Math.abs(x - y) < eps, `${x} ≉ ${y}`);

describe('growth fit', () => {
  it('growth fit - recovers an exact power law', () => {
    const f = fitPowerLaw([6, 12, 24].map((n) => ({ n, y: 3 * n ** 2 })))!;
    near(f.b, 2);
    near(f.a, 3);
    near(f.r2, 1);
  });
  it('growth fit - the design\'s single-restart count 2(n−1)+5 grows about linearly', () => {
    const f = fitPowerLaw([6, 12, 24].map((n) => ({ n, y: 2 * (n - 1) + 5 })))!;
    assert.ok(f.b > 0.8 && f.b < 1.0, `b = ${f.b}`);
    assert.ok(f.r2 > 0.99);
  });
  it('growth fit - a constant has exponent 0; too few points or zeros give no fit', () => {
    near(fitPowerLaw([{ n: 6, y: 5 }, { n: 24, y: 5 }])!.b, 0);
    assert.equal(fitPowerLaw([{ n: 6, y: 5 }]), null);
    assert.equal(fitPowerLaw([{ n: 6, y: 0 }, { n: 12, y: 0 }]), null);
    assert.equal(fitPowerLaw([{ n: 6, y: 1 }, { n: 6, y: 2 }]), null);
  });
});
