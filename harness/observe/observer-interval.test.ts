import assert from 'node:assert/strict';
import type { ClusterView } from '../../clusters/view.ts';
import { STEADY_ROUNDS, minIntervalMs, nextIntervalMs, resolveObserverOptions, steadyIntervalMs } from './observer.ts';

const view = (regions: string[], perRegion: number): ClusterView => ({
  runId: 'r', regions, system: { user: 'sys', password: 'p' },
  endpoints: () => regions.flatMap((r) => Array.from({ length: perRegion }, (_, i) => ({
    name: `${r}-${i + 1}`, region: r, variant: 'v', clientUrl: 'nats://127.0.0.1:1', monitorUrl: 'http://127.0.0.1:2',
  }))),
});
const sink = { append: () => {} };

describe('observe interval', () => {
  it('observer interval - no floor up to 12 servers, 50 ms per server above, at most 2.5 s', () => {
    assert.deepEqual([9, 12, 13, 30, 48, 62, 63, 96, 128].map(minIntervalMs), [0, 0, 650, 1500, 2400, 2500, 2500, 2500, 2500]);
  });

  it('observer interval - the asked interval holds on a small cluster; a large one samples no faster than its floor', () => {
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd'], 3), { timeline: sink }).intervalMs, 500);
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd'], 3), { timeline: sink, intervalMs: 200 }).intervalMs, 200);
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd'], 10), { timeline: sink, intervalMs: 500 }).intervalMs, 1500);
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd'], 10), { timeline: sink, intervalMs: 5000 }).intervalMs, 5000);
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd', 'fra'], 24), { timeline: sink }).intervalMs, 2500);
  });

  it('observer interval - steady: twice the floor above 12 servers, at most 3 s; none up to 12', () => {
    assert.deepEqual([9, 12, 13, 30, 96].map(steadyIntervalMs), [0, 0, 1300, 3000, 3000]);
    assert.equal(resolveObserverOptions(view(['iad', 'lhr', 'syd'], 10), { timeline: sink }).steadyMs, 3000);
  });

  it('observer interval - stretches only after enough quiet rounds, and never below the asked interval', () => {
    assert.equal(nextIntervalMs(0, 1500, 3000), 1500);
    assert.equal(nextIntervalMs(STEADY_ROUNDS - 1, 1500, 3000), 1500);
    assert.equal(nextIntervalMs(STEADY_ROUNDS, 1500, 3000), 3000);
    assert.equal(nextIntervalMs(50, 500, 0), 500, 'a small cluster never stretches');
    assert.equal(nextIntervalMs(50, 5000, 3000), 5000, 'an asked interval longer than the steady one wins');
  });
});
