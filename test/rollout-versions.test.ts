// A rollout across minor versions on real servers (local backend): stock v2.10.14 to today's
// nats-server (v2.15.3, stock: upstream carries both our fixes), 3 regions × 3 servers, every server
// through lame duck, canary → region → global with soaks shortened for CI. While it runs the
// super-cluster mixes 2.10 and 2.15 servers and every gate judges it as one. Seen from outside
// afterwards: every server reports 2.15.3 on /varz and the mesh is whole.
import assert from 'node:assert/strict';
import { attachCluster, parseTopology, readState, startCluster } from '../clusters/index.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { silentProgress } from '../core/progress.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { clusterDown } from '../harness/cli/cluster.ts';
import { ensureBuilt, ensureLatest, type Built } from './support/build.ts';

describe('rollout across versions (real servers, local backend)', function () {
  this.timeout(300_000);
  let built: Built;
  let latest: string;
  let runId: string | undefined;

  before(async () => {
    built = await ensureBuilt();
    latest = await ensureLatest();
    const cl = await startCluster(parseTopology({
      variant: built.stock,
      regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }],
      ping: { interval: '1s', max: 2 },
      lameDuck: { durationSeconds: 30, graceSeconds: 5 },
    }), { backend: 'local', meshDeadlineMs: 60_000 });
    cl.detach();
    runId = cl.runId;
  });
  after(async () => {
    if (runId && readState(runId)) await clusterDown({ run: runId }, () => {});
  });

  it('stock v2.10.14 to v2.15.3 with lame duck completes every stage on 3×3; every server then reports 2.15.3, fully meshed', async () => {
    const c = new RolloutController({ progress: silentProgress });
    const s = await c.start({ source: 'versions-test.yaml', playbook: `
name: versions-test
cluster: { attach: ${runId} }
baseline: ${built.stock}
target: ${latest}
seed: 7
stages:
  - kind: canary
    region: iad
    upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 5 } }
    soakSeconds: 10
    gates:
      - threshold: statsz.maxPerServerPerSecond
      - threshold: statsz.maxExcessPerRestart
      - threshold: recovery.noneStuck
      - threshold: probe.maxLossOutsideFaults
  - kind: region
    upgrade: { batchSize: 2, lameDuck: { durationSeconds: 30, graceSeconds: 5 } }
    soakSeconds: 10
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { durationSeconds: 30, graceSeconds: 5 } }
    soakSeconds: 10
` });
    const end = await c.settled(s.id);
    assert.equal(end.phase, 'succeeded', `${end.message}\n${end.stages.flatMap((st) => st.gates.filter((g) => g.outcome !== 'pass').map((g) => `${st.name} ${g.gate} ${g.outcome}: ${g.evidence}`)).join('\n')}`);
    assert.deepEqual(end.stages.map((st) => st.phase), ['passed', 'passed', 'passed']);
    const moved = end.stages.flatMap((st) => st.servers);
    assert.equal(moved.length, 9);
    assert.ok(moved.every((u) => u.step === 'done' && u.to === latest), JSON.stringify(moved.map((u) => [u.server, u.step, u.to])));
    // Every server went through lame duck. One with clients leaves once they are gone, after the 5 s
    // grace; one with none (the probe's clients sit on some servers only) leaves at once (measured ~0.1 s).
    assert.ok(moved.every((u) => u.lameDuckMs > 0), JSON.stringify(moved.map((u) => [u.server, u.lameDuckMs])));
    assert.ok(moved[0]!.lameDuckMs >= 4_000 || moved.filter((u) => u.lameDuckMs >= 4_000).length >= 5, JSON.stringify(moved.map((u) => [u.server, u.lameDuckMs])));
    for (const st of end.stages) assert.ok(st.gates.length > 0 && st.gates.every((g) => g.outcome !== 'fail' && g.outcome !== 'inconclusive'), `${st.name}: ${JSON.stringify(st.gates.map((g) => [g.gate, g.outcome]))}`);
    const cl = await attachCluster(runId!, { meshDeadlineMs: 30_000 });
    try {
      for (const e of cl.endpoints()) {
        const v = await monitorGet<Varz>(e.monitorUrl, 'varz');
        assert.equal(v.version, latest.replace(/^v/, ''), `${e.name} runs ${latest}`);
      }
    } finally {
      await cl.stop();
    }
  });
});
