// The rollout on the docker backend: servers in containers, upgraded in place with lame duck (a
// new container per variant under the same name, address and config), gated, completed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { silentProgress } from '../core/progress.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { readTimeline } from '../harness/timeline/index.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { requireDockerEngine } from './support/docker-engine.ts';
import { versionProblems } from './support/upgraded-versions.ts';

describe('rollout (real servers, docker backend)', function () {
  this.timeout(300_000);
  let built: Built;
  before(async function () {
    await requireDockerEngine(this);
    built = await ensureBuilt();
  });

  it('patched over stock 2×2 in containers: lame duck, gates, every server on the target, nothing left', async () => {
    const c = new RolloutController({ progress: silentProgress });
    const s = await c.start({ source: 'docker-rollout.yaml', playbook: `
name: docker-rollout
cluster:
  backend: docker
  topology: { regions: [ { name: iad, servers: 2 }, { name: lhr, servers: 2 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 5
stages:
  - kind: canary
    server: iad-1
    upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 3 } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck }, { compare: { baseline: iad-2, metrics: [statsz.rate, rss, cpu, reconnects] } } ]
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 3 } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck } ]
` });
    const end = await c.settled(s.id);
    assert.equal(end.phase, 'succeeded', end.message);
    assert.equal(end.cluster.backend, 'docker');
    const all = end.stages.flatMap((st) => st.servers);
    assert.deepEqual(all.map((u) => u.step), ['done', 'done', 'done', 'done']);
    assert.ok(all.every((u) => u.lameDuckMs >= 2_500), `every server went through lame duck: ${all.map((u) => `${u.server} ${u.lameDuckMs} ms`).join(', ')}`);
    // Every gate judged data and passed: a no-data gate would have let the stage through unjudged.
    const gates = end.stages.flatMap((st) => st.gates.map((g) => `${st.name} ${g.gate}: ${g.outcome} (${g.observed})`));
    assert.equal(gates.length, 5, gates.join(' | '));
    assert.deepEqual(gates.filter((g) => !/: pass \(/.test(g)), [], gates.join(' | '));
    // What the servers themselves say: each one's last /varz sample (the observer's, in the run's
    // timeline) reports the target's version, read after that server's upgrade ended.
    const timeline = await readTimeline(path.join(end.runDir, 'timeline.ndjson'));
    assert.deepEqual(versionProblems(timeline, all, built.patched.replace(/^v/, '')), []);
    assert.deepEqual(await leftovers(end.cluster.runId!, path.join(end.runDir, 'cluster')), []);
  });
});
