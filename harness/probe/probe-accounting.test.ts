import assert from 'node:assert/strict';
import { latencySummary, percentile } from './percentile.ts';
import { StreamAccounting } from './stream-accounting.ts';

describe('probe accounting', () => {
  const pcts: [number[], number, number | undefined][] = [
    [[], 50, undefined],
    [[7], 99, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 99, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50],
  ];
  for (const [xs, p, want] of pcts) it(`probe accounting - p${p} of ${xs.length} values is ${want}`, () => assert.equal(percentile(xs, p), want));

  it('probe accounting - latency summary sorts its input', () => {
    assert.deepEqual(latencySummary([5, 1, 3]), { p50: 3, p99: 5, max: 5 });
    assert.equal(latencySummary([]), null);
  });

  const cases: { name: string; arrivals: number[]; settle: number; want: object }[] = [
    { name: 'in order, nothing lost', arrivals: [1, 2, 3, 4], settle: 4, want: { delivered: 4, duplicated: 0, reordered: 0, lost: 0 } },
    { name: 'a gap is lost once settled', arrivals: [1, 2, 5], settle: 5, want: { delivered: 3, duplicated: 0, reordered: 0, lost: 2 } },
    { name: 'tail loss: sent but never received', arrivals: [1, 2], settle: 6, want: { delivered: 2, duplicated: 0, reordered: 0, lost: 4 } },
    { name: 'duplicates counted once delivered', arrivals: [1, 2, 2, 3, 1], settle: 3, want: { delivered: 3, duplicated: 2, reordered: 0, lost: 0 } },
    { name: 'out of order before settling is reordered, not lost', arrivals: [1, 3, 2, 4], settle: 4, want: { delivered: 4, duplicated: 0, reordered: 1, lost: 0 } },
  ];
  for (const c of cases) {
    it(`probe accounting - ${c.name}`, () => {
      const a = new StreamAccounting();
      for (const s of c.arrivals) a.receive(s);
      a.settle(c.settle);
      assert.deepEqual(a.counts, c.want);
    });
  }

  it('probe accounting - an arrival after being counted lost is late, a repeat of a settled one is a duplicate', () => {
    const a = new StreamAccounting();
    a.receive(1);
    a.receive(3);
    assert.equal(a.settle(3), 1);
    assert.equal(a.receive(2), 'late');
    assert.equal(a.receive(3), 'duplicated');
    assert.equal(a.settle(3), 0);
    assert.deepEqual(a.counts, { delivered: 2, duplicated: 1, reordered: 1, lost: 1 });
  });
});
