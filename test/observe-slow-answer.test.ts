// Link state that one slow answer cannot flip, on a real 2×2 super-cluster: a server paused just
// long enough for one monitoring round to time out is `unreachable` once and no link moves; paused
// for several rounds (as good as dead), its links go down, dated from the first round it missed.
// The probe's subscribers land where the seed says.
import assert from 'node:assert/strict';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { startObserver, type StartedObserver } from '../harness/observe/index.ts';
import { placementOrder } from '../harness/probe/index.ts';
import { MemoryTimeline, recordsOf, type TimelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt } from './support/build.ts';

const PAUSED = 'iad-2';
const SEED = 13;

const unreachableAfter = (records: readonly TimelineRecord[], t: number) =>
  recordsOf(records, 'server').filter((r) => r.server === PAUSED && r.state === 'unreachable' && r.t >= t);

describe('observe slow answer', function () {
  let cluster: StartedCluster | undefined;
  let observer: StartedObserver | undefined;
  const timeline = new MemoryTimeline();

  before(async function () {
    this.timeout(600_000);
    const built = await ensureBuilt();
    this.timeout(120_000);
    cluster = await startCluster(parseTopology({
      variant: built.patched, ping: { interval: '1s', max: 2 },
      regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }],
    }), { backend: 'local', meshDeadlineMs: 60_000 });
    observer = await startObserver(cluster, { timeline, statszOn: 'lhr-1', intervalMs: 500, seed: SEED, probe: { ratePerSecond: 10 } });
  });

  after(async function () {
    this.timeout(60_000);
    await observer?.stop();
    await cluster?.stop();
  });

  it('observe slow answer - the probe subscribers connect where the seed places them', () => {
    const placed = observer!.probe!.subscriberServers();
    const want = Object.fromEntries(cluster!.regions.map((r) => [r, placementOrder(SEED, `sub:${r}:0`, cluster!.endpoints().filter((e) => e.region === r))[0]!.name]));
    assert.deepEqual(placed, want);
  });

  it('observe slow answer - one round without an answer flips no link', async function () {
    this.timeout(30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const from = Date.now();
    await cluster!.server(PAUSED).pause();
    try {
      // Resume as soon as one round has timed out: the round after it gets its answers in time.
      await waitFor(`a monitoring round of ${PAUSED} to time out`, 10_000, async () =>
        (unreachableAfter(observer!.records(), from).length > 0 ? { done: true, value: true } : { done: false, missing: 'no unreachable record' }), 20);
    } finally {
      await cluster!.server(PAUSED).resume();
    }
    await waitFor(`${PAUSED} answering again`, 10_000, async () => {
      const up = recordsOf(observer!.records(), 'server').some((r) => r.server === PAUSED && r.state === 'up' && r.t >= from);
      return up ? { done: true, value: true } : { done: false, missing: 'no up record' };
    }, 50);
    await new Promise((r) => setTimeout(r, 1500));
    const moved = recordsOf(observer!.records(), 'link').filter((l) => l.t >= from);
    const missed = recordsOf(observer!.records(), 'varz').filter((v) => v.server === PAUSED && v.t >= from).length;
    console.log(`      ${PAUSED} paused ${unreachableAfter(observer!.records(), from).length} round(s), link records since: ${moved.length}, samples since: ${missed}`);
    assert.deepEqual(moved.map((l) => `${l.server}→${l.peer} ${l.state}`), []);
  });

  it('observe slow answer - a server silent for several rounds has its links down, from the first round it missed', async function () {
    this.timeout(30_000);
    const from = Date.now();
    await cluster!.server(PAUSED).pause();
    try {
      await waitFor(`${PAUSED}'s links down`, 10_000, async () => {
        const down = recordsOf(observer!.records(), 'link').filter((l) => l.server === PAUSED && l.state === 'down' && l.t >= from);
        return down.length === 2 ? { done: true, value: true } : { done: false, missing: `${down.length} of 2 links (route to iad-1, gateway to lhr) down` };
      }, 100);
    } finally {
      await cluster!.server(PAUSED).resume();
    }
    const first = unreachableAfter(observer!.records(), from)[0]!;
    const down = recordsOf(observer!.records(), 'link').filter((l) => l.server === PAUSED && l.state === 'down' && l.t >= from);
    for (const l of down) {
      assert.equal(l.since, first.t, `${l.server}→${l.peer} down since the first missed round`);
      assert.ok(l.t > l.since, 'decided on a later round');
      assert.equal(l.detail, 'server unreachable');
    }
  });
});
