import assert from 'node:assert/strict';
import { PairWindow } from './pair-window.ts';
import { timelineRecord } from '../timeline/records.ts';

describe('probe pair window', () => {
  it('probe pair window - counts, latency percentiles and the longest gap, then resets', () => {
    const w = new PairWindow('iad', 'lhr', 0);
    w.delivered(100, 2);
    w.delivered(200, 4);
    w.delivered(900, 3);
    w.duplicated();
    w.lost(2);
    const r = w.close(1000, 10);
    assert.deepEqual({ ...r }, {
      t: 1000, kind: 'probe', from: 'iad', to: 'lhr', windowStart: 0, windowEnd: 1000, sent: 10, delivered: 3, lost: 2,
      duplicated: 1, reordered: 0, latencyMs: { p50: 3, p99: 4, max: 4 }, longestGapMs: 700, stalled: false,
    });
    assert.ok(timelineRecord.safeParse(r).success);
    const frac = new PairWindow('a', 'b', 0.4);
    frac.delivered(10.7, 1.23456);
    assert.ok(timelineRecord.safeParse(frac.close(999.6, 1, 500.2)).success, 'fractional clock readings still make a valid record');
    const empty = w.close(3000, 20);
    assert.equal(empty.delivered, 0);
    assert.equal(empty.latencyMs, null);
    assert.equal(empty.longestGapMs, 2100, 'an ongoing gap counts up to the window end');
    assert.equal(w.close(4000, 0, 3500).longestGapMs, 2600, 'but not past the moment publishing stopped');
  });
});
