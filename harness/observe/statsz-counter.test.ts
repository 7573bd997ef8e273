import assert from 'node:assert/strict';
import { StatszCounter } from './statsz-counter.ts';
import { peakInWindow } from '../timeline/statsz-times.ts';

const msg = (t: number, serverId = 'A', serverName = 'iad-1', bytes = 800) => ({ t, serverId, serverName, bytes });

describe('statsz counter', () => {
  const peaks: [number[], number, number][] = [
    [[], 100, 0],
    [[0], 100, 1],
    [[0, 50, 100, 150], 100, 3],
    [[0, 200, 400], 100, 1],
    [[0, 10, 20, 500, 510], 100, 3],
  ];
  for (const [times, w, want] of peaks) {
    it(`statsz counter - peak of [${times.join(',')}] in ${w} ms is ${want}`, () => assert.equal(peakInWindow(times, w), want));
  }

  it('statsz counter - buckets per server ID per wall-clock second, closed after the grace', () => {
    const c = new StatszCounter({ observedOn: 'lhr-1' });
    for (const m of [msg(10_100), msg(10_900), msg(11_000), msg(10_500, 'B', 'iad-2', 100)]) c.add(m);
    assert.deepEqual(c.flush(11_100).statsz, []);
    const { statsz } = c.flush(11_300);
    assert.deepEqual(statsz.map((s) => [s.second, s.serverName, s.msgs, s.bytes]), [[10_000, 'iad-1', 2, 1600], [10_000, 'iad-2', 1, 100]]);
    assert.deepEqual(c.flush(20_000, { final: true }).statsz.map((s) => [s.second, s.msgs]), [[11_000, 1]]);
    assert.deepEqual(c.totals, { msgs: 4, bytes: 2500 });
  });

  it('statsz counter - several messages from one ID within 100 ms are a burst; 1/s is not', () => {
    const c = new StatszCounter({ observedOn: 'lhr-1' });
    const bursts = [];
    // stock restart: 7 messages from the new ID in 120 ms, then quiet
    for (const t of [0, 20, 40, 60, 80, 100, 120]) bursts.push(...c.add(msg(5000 + t, 'NEW', 'iad-3')));
    // patched: one per second from another ID
    for (const t of [0, 1000, 2000]) bursts.push(...c.add(msg(5000 + t, 'P', 'iad-2')));
    bursts.push(...c.flush(9000).bursts);
    assert.equal(bursts.length, 1);
    assert.deepEqual({ ...bursts[0], t: 0 }, {
      t: 0, kind: 'statsz-burst', serverId: 'NEW', serverName: 'iad-3', msgs: 7, peak: 6, bytes: 5600, first: 5000, last: 5120, windowMs: 100, minMsgs: 3, observedOn: 'lhr-1',
    });
  });

  it('statsz counter - two messages close together are not a burst', () => {
    const c = new StatszCounter({ observedOn: 'x' });
    c.add(msg(0));
    c.add(msg(50));
    assert.deepEqual(c.flush(1000, { final: true }).bursts, []);
  });
});
