import assert from 'node:assert/strict';
import { clusterDown, clusterStatus, clusterUp } from '../harness/cli/cluster.ts';
import { BadInputError } from '../core/errors.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt } from './support/build.ts';

describe('clusters cli', () => {
  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
  });

  it('cli - up leaves a cluster running, status shows it per region, down removes it', async () => {
    const lines: string[] = [];
    const state = await clusterUp({ regions: 'iad,lhr', servers: 2, backend: 'local', pingInterval: '1s' }, (l) => lines.push(l));
    try {
      assert.equal(state.detached, true);
      assert.match(lines.join('\n'), /system user: sys \/ \S{20,}/);
      const out: string[] = [];
      const report = await clusterStatus({ run: state.runId }, (l) => out.push(l));
      assert.equal(report.complete, true);
      const text = out.join('\n');
      for (const h of ['routes', 'gateways', 'RSS', 'uptime', 'iad-2', 'lhr-1', '1/1']) assert.ok(text.includes(h), `status lacks ${h}:\n${text}`);
    } finally {
      await clusterDown({ run: state.runId }, () => {});
    }
    assert.deepEqual(await leftovers(state.runId, state.runDir), []);
  });

  it('cli - bad flags list every problem', async () => {
    await assert.rejects(clusterUp({ regions: 'IAD,x', servers: 0, backend: 'local' }, () => {}),
      (e: unknown) => e instanceof BadInputError && e.problems.length === 4);
    await assert.rejects(clusterStatus({ run: 'no-such-run' }, () => {}), BadInputError);
  });
});
