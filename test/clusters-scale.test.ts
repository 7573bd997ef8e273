// Scale limits of the local backend at a CI-sized cluster: a region above the old cap of 16 boots
// (bounded concurrent starts) and meshes, and `cluster down` returns only once every recorded
// process is gone. The 96-server runs are in the benches (bench/results/statsz-growth.md).
import assert from 'node:assert/strict';
import { clusterDown, clusterStatus, clusterUp } from '../harness/cli/cluster.ts';
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
    } finally {
      await clusterDown({ run: state.runId }, () => {});
    }
    // No wait here: down itself waited.
    assert.deepEqual(pids.filter(pidAlive), []);
    assert.deepEqual(await leftovers(state.runId, state.runDir), []);
  });
});
