import assert from 'node:assert/strict';
import { judgePatchTests, parseGoTestJson } from './patch-tests.ts';

const m = (o: Record<string, 'pass' | 'fail'>) => new Map(Object.entries(o));

describe('patch tests', () => {
  it('patch tests - go test -json outcomes are read per top-level test', () => {
    const out = [
      '{"Action":"run","Test":"TestBrownoutFixA"}',
      '{"Action":"fail","Test":"TestBrownoutFixA/sub"}',
      '{"Action":"fail","Test":"TestBrownoutFixA"}',
      '{"Action":"pass","Test":"TestBrownoutGuardB"}',
      'not json',
      '{"Action":"fail","Package":"x"}',
    ].join('\n');
    assert.deepEqual([...parseGoTestJson(out)], [['TestBrownoutFixA', 'fail'], ['TestBrownoutGuardB', 'pass']]);
  });

  const cases: { name: string; stock: Record<string, 'pass' | 'fail'>; patched: Record<string, 'pass' | 'fail'>; ok: boolean[] }[] = [
    { name: 'fix fails on stock, passes patched', stock: { TestBrownoutFixA: 'fail' }, patched: { TestBrownoutFixA: 'pass' }, ok: [true] },
    { name: 'fix passes on stock: the test does not show the bug', stock: { TestBrownoutFixA: 'pass' }, patched: { TestBrownoutFixA: 'pass' }, ok: [false] },
    { name: 'fix fails on patched: the patch does not fix it', stock: { TestBrownoutFixA: 'fail' }, patched: { TestBrownoutFixA: 'fail' }, ok: [false] },
    { name: 'guard passes on both', stock: { TestBrownoutGuardA: 'pass' }, patched: { TestBrownoutGuardA: 'pass' }, ok: [true] },
    { name: 'guard broken by the patch', stock: { TestBrownoutGuardA: 'pass' }, patched: { TestBrownoutGuardA: 'fail' }, ok: [false] },
    { name: 'a test missing on one side', stock: {}, patched: { TestBrownoutFixA: 'pass' }, ok: [false] },
  ];
  for (const c of cases) {
    it(`patch tests - judged: ${c.name}`, () => {
      assert.deepEqual(judgePatchTests(m(c.stock), m(c.patched)).map((r) => r.ok), c.ok);
    });
  }
});
