import assert from 'node:assert/strict';
import { mapLimit } from './limit.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('clusters limit', () => {
  it('mapLimit - never more than the limit in flight, results in input order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 4, 3, 2, 1, 0], 2, async (x) => {
      inFlight++; most = Math.max(most, inFlight);
      await tick();
      inFlight--;
      return x * 10;
    });
    assert.deepEqual(out, [50, 40, 30, 20, 10, 0]);
    assert.equal(most, 2);
  });

  it('mapLimit - after a failure nothing new starts and the first error is thrown', async () => {
    const started: number[] = [];
    await assert.rejects(mapLimit([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 1) throw new Error('boom 1');
    }), /boom 1/);
    assert.ok(!started.includes(4) && !started.includes(5), `started ${started.join(',')}`);
  });
});

describe('clusters local start check', () => {
  it('healthzTimeoutMs - each timed-out request doubles the next timeout, up to 10 s', async () => {
    const { healthzTimeoutMs } = await import('./local-backend.ts');
    assert.deepEqual([0, 1, 2, 3, 4, 9].map(healthzTimeoutMs), [2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});
