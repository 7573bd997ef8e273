// Scale limits of the local backend at a CI-sized cluster: a region above the old cap of 16 boots
// (bounded concurrent starts) and meshes, and `cluster down` returns only once every recorded
// process is gone. The 96-server runs are in the benches (bench/results/statsz-growth.md).
import assert from 'node:assert/strict';
import { attachCluster, waitFor } from '../clusters/index.ts';
import { clusterDown, clusterStatus, clusterUp } from '../harness/cli/cluster.ts';
import { startObserver } from '../harness/observe/index.ts';
import type { TimelineRecord } from '../harness/timeline/records.ts';
import { pidAlive } from '../clusters/pids.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt } from './support/build.ts';

describe('clusters scale', () => {
  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
  });

  it('scale - 17 servers in one region plus a second region boot and mesh; down leaves no recorded pid alive', async function () {
    this.timeout(180_000);
    const state = await clusterUp({ regions: 'iad,lhr', servers: 17, backend: 'local' }, () => {});
    const pids = [state.local!.toxiproxy.pid, ...Object.values(state.local!.servers).map((s) => s.pid!)];
    try {
      assert.equal(pids.length, 35);
      const report = await clusterStatus({ run: state.runId }, () => {});
      assert.equal(report.complete, true, report.missing.join('; '));
      assert.equal(report.servers.find((s) => s.name === 'iad-17')?.routes.up, 16);
      await adaptiveSampling(state.runId);
    } finally {
      await clusterDown({ run: state.runId }, () => {});
    }
    // No wait here: down itself waited.
    assert.deepEqual(pids.filter(pidAlive), []);
    assert.deepEqual(await leftovers(state.runId, state.runDir), []);
  });
});

// On the same 34 servers: the observer samples at its floor (1.7 s) while links come up, stretches to
// its steady interval (3 s) once rounds are quiet, and a step record brings the next round back to
// the floor at once (the runner appends one before every fault). Rounds are scheduled from each
// round's start, so a gap is never shorter than the interval in force but a busy machine can make
// any gap longer: the bounds below are what must hold whatever the load (a gap under 3 s can only
// come from a round at the floor), and how long the gaps are is a bench's job
// (bench/observer-latency.bench.ts).
async function adaptiveSampling(runId: string): Promise<void> {
  const cluster = await attachCluster(runId);
  const records: TimelineRecord[] = [];
  const observer = await startObserver(cluster, { timeline: { append: (r) => records.push(r) }, intervalMs: 500 });
  const rounds = () => records.filter((r) => r.kind === 'varz' && r.server === 'iad-1').map((r) => r.t);
  const gaps = () => { const t = rounds(); return t.slice(1).map((x, i) => x - t[i]!); };
  try {
    const run = records.find((r) => r.kind === 'run');
    assert.ok(run?.kind === 'run' && run.intervalMs === 1700 && run.steadyIntervalMs === 3000, JSON.stringify(run));
    await new Promise((r) => setTimeout(r, 16_000));
    const steady = gaps();
    const STEADY = 3000;
    // Never sooner than the floor (a few ms of timer slack).
    assert.ok(steady.every((g) => g >= 1700 - 20), `a round came sooner than the 1.7 s floor: ${steady.join(', ')} ms`);
    // The first rounds at the floor: one of them came sooner than a stretched round can.
    // (The first round also finds every server's pid in /proc, slow at 34: its gap is left out.)
    assert.ok(steady.slice(1, 5).some((g) => g < STEADY - 50), `no early round at the floor, every one ≥ ${STEADY} ms: ${steady.join(', ')} ms`);
    assert.ok(steady.at(-1)! >= STEADY - 20, `quiet rounds stretch to the steady interval: ${steady.join(', ')} ms`);
    const before = rounds().at(-1)!;
    await new Promise((r) => setTimeout(r, 200));
    const woke = Date.now();
    observer.sink.append({ t: woke, kind: 'step', scenario: 'test', index: 0, name: 'wake', phase: 'start' });
    const next = await waitFor('a sample round after the step record', 15_000, async () => {
      const t = rounds().find((x) => x > before);
      return t !== undefined ? { done: true, value: t } : { done: false, missing: `no round after ${before}` };
    }, 100);
    assert.ok(next - before < STEADY - 50, `after a step record the next round came ${next - before} ms after the last: not pulled in from the ${STEADY} ms steady interval`);
    console.log(`      round gaps ${steady.join(', ')} ms; after the step record ${next - before} ms`);
  } finally {
    await observer.stop();
    await cluster.stop();
  }
}
