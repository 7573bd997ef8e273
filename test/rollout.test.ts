// The staged rollout on real servers and real Toxiproxy (local backend): the story's rollout
// completes; a build with the STATSZ storm fails the canary's STATSZ gate and is rolled back; an
// inconclusive canary pauses for a human, who promotes or aborts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attachCluster, readState, runProcesses, startCluster, parseTopology, type ClusterState } from '../clusters/index.ts';
import { docker } from '../core/docker-engine.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { dockerAvailable, removeDockerRun } from '../clusters/docker-resources.ts';
import { silentProgress } from '../core/progress.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { RolloutApi, serveCommand } from '../harness/rollout/grpc/client.ts';
import { readControllerFile } from '../harness/rollout/grpc/controller-file.ts';
import { serveRollouts, type ServedRollouts } from '../harness/rollout/grpc/server.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';
import { clusterDown } from '../harness/cli/cluster.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { runScript } from './support/run-script.ts';
import { skipBecause } from './support/skip.ts';

const TOPOLOGY_3X3 = `
    regions:
      - { name: iad, servers: 3 }
      - { name: lhr, servers: 3 }
      - { name: syd, servers: 3 }
    ping: { interval: 1s, max: 2 }`;

async function runToEnd(c: RolloutController, playbook: string, source: string): Promise<RolloutState> {
  const s = await c.start({ playbook, source });
  return c.settled(s.id);
}

/** Polls `get` (bounded) until it gives something; `what` says what was awaited and what was seen last. */
async function until<T>(what: string | (() => string), get: () => T | undefined | false, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${typeof what === 'string' ? what : what()}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits (bounded) until the rollout reaches `phase`. */
function waitPhase(c: RolloutController, id: string, phase: RolloutState['phase'], deadlineMs: number): Promise<RolloutState> {
  return until(() => `rollout ${id} is ${c.get(id).phase} (${c.get(id).message}), not ${phase}`, () => {
    const s = c.get(id);
    return s.phase === phase ? s : undefined;
  }, deadlineMs);
}

describe('rollout (real servers, local backend)', function () {
  this.timeout(420_000);
  let built: Built;
  before(async () => { built = await ensureBuilt(); });

  it('patched over a stock 3×3 completes every stage, a report per gate, no probe loss outside the upgrade windows', async () => {
    const c = new RolloutController({ progress: silentProgress });
    const end = await runToEnd(c, `
name: story-test
cluster:
  backend: local
  topology: ${TOPOLOGY_3X3}
baseline: ${built.stock}
target: ${built.patched}
seed: 7
stages:
  - kind: canary
    region: iad
    upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 5 } }
    soakSeconds: 20
    gates:
      - threshold: statsz.maxPerServerPerSecond
      - threshold: statsz.maxExcessPerRestart
      - threshold: recovery.noneStuck
      - threshold: probe.maxLossOutsideFaults
      - compare: { metrics: [statsz.rate, rss, cpu, reconnects] }
  - kind: region
    upgrade: { lameDuck: { enabled: false } }
    soakSeconds: 15
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { enabled: false } }
    soakSeconds: 15
`, 'story-test.yaml');
    assert.equal(end.phase, 'succeeded', end.message);
    assert.deepEqual(end.stages.map((s) => s.phase), ['passed', 'passed', 'passed']);
    for (const st of end.stages) {
      assert.ok(st.gates.length > 0, `stage ${st.name} judged gates`);
      assert.ok(st.gates.every((g) => g.outcome !== 'fail' && g.outcome !== 'inconclusive'), JSON.stringify(st.gates));
      assert.ok(st.servers.every((u) => u.step === 'done'), `every server of ${st.name} upgraded`);
    }
    const canary = end.stages[0]!;
    const loss = canary.gates.find((g) => g.gate === 'probe.maxLossOutsideFaults')!;
    assert.equal(loss.outcome, 'pass', loss.evidence);
    assert.equal(canary.servers[0]!.server.startsWith('iad-'), true);
    // nats-server leaves lame duck once its last client is gone: after the grace period (5 s) and
    // at most 1 s per client; the rest of the 30 s is not waited out (clusters/lame-duck-upgrade.ts).
    assert.ok(canary.servers[0]!.lameDuckMs >= 4_000, `the canary went through lame duck (${canary.servers[0]!.lameDuckMs} ms)`);
    const cmp = canary.gates.find((g) => g.gate === 'compare')!;
    assert.equal(cmp.comparison?.baseline, canary.baselinePeer);
    assert.ok(cmp.comparison!.metrics.some((m) => m.class !== 'no-data'), 'the comparison had data');
    // Reports: one testcase per gate, stage tables, the state file.
    const junit = readFileSync(path.join(end.runDir, 'junit.xml'), 'utf8');
    const gates = end.stages.reduce((n, s) => n + s.gates.length, 0);
    assert.equal((junit.match(/<testcase /g) ?? []).length, gates);
    for (const f of ['summary.md', 'rollout.json', 'timeline.ndjson', 'stages/1-canary.md', 'stages/3-global.md']) assert.ok(existsSync(path.join(end.runDir, f)), f);
    // The cluster the rollout booted is gone.
    assert.deepEqual(await leftovers(end.cluster.runId!, path.join(end.runDir, 'cluster')), []);
  });

  describe('on a cluster left running (cluster up)', () => {
    let runId: string;
    beforeEach(async function () {
      const cl = await startCluster(parseTopology({ variant: built.patched, regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }], ping: { interval: '1s', max: 2 } }), { backend: 'local', meshDeadlineMs: 60_000 });
      cl.detach();
      runId = cl.runId;
    });
    afterEach(async () => {
      if (readState(runId)) await clusterDown({ run: runId }, () => {});
    });

    it('a target with the STATSZ storm (stock) fails a stage by the STATSZ detector and is rolled back: every server on the baseline, fully meshed', async () => {
      // As in the story, one stock server restarting among patched ones barely shows (measured: 3
      // STATSZ in its worst second, at the bound), so the canary may pass; a batch of restarts
      // storms (9 in a second), and that stage fails and rolls everything back.
      const c = new RolloutController({ progress: silentProgress });
      const end = await runToEnd(c, `
name: storm-test
cluster: { attach: ${runId} }
baseline: ${built.patched}
target: ${built.stock}
seed: 7
stages:
  - kind: canary
    region: iad
    upgrade: { lameDuck: { enabled: false } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck } ]
  - kind: region
    upgrade: { batchSize: 2, lameDuck: { enabled: false } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck }, { threshold: memory.maxRssMiB } ]
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { enabled: false } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck }, { threshold: memory.maxRssMiB } ]
`, 'storm-test.yaml');
      assert.equal(end.phase, 'rolled-back', end.message);
      const failedAt = end.stages.findIndex((s) => s.gates.some((g) => g.outcome === 'fail'));
      assert.ok(failedAt >= 0, 'a stage failed its gates');
      const failed = end.stages[failedAt]!.gates.filter((g) => g.outcome === 'fail').map((g) => g.gate);
      assert.deepEqual(failed, ['statsz.maxPerServerPerSecond'], 'the STATSZ detector, and only it, failed the stage');
      assert.match(end.message, /statsz\.maxPerServerPerSecond/);
      for (const later of end.stages.slice(failedAt + 1)) assert.equal(later.phase, 'pending', `stage ${later.name} never started`);
      assert.ok(end.rollback && end.rollback.gates.length === 3 && end.rollback.gates.every((g) => g.outcome === 'pass'), JSON.stringify(end.rollback?.gates));
      assert.ok(end.rollback.servers.every((u) => u.step === 'done' && u.to === built.patched));
      // Afterwards, seen from outside: every server runs the baseline and the mesh is whole.
      const cl = await attachCluster(runId, { meshDeadlineMs: 30_000 });
      try {
        for (const e of cl.endpoints()) {
          const v = await monitorGet<Varz>(e.monitorUrl, 'varz');
          assert.equal(v.version, built.patched.replace(/^v/, ''), `${e.name} runs the baseline`);
        }
      } finally {
        await cl.stop();
      }
    });

    const inconclusive = (name: string) => `
name: ${name}
cluster: { attach: ${runId} }
baseline: ${built.patched}
target: ${built.statszOnly}
stages:
  - kind: canary
    server: iad-1
    upgrade: { lameDuck: { enabled: false } }
    soakSeconds: 5
    gates:
      # More samples than a 5 s soak gives: no metric has data, so the canary is inconclusive.
      - compare: { baseline: iad-2, metrics: [statsz.rate, rss], minSamples: 1000 }
  - kind: region
    upgrade: { batchSize: 2, lameDuck: { enabled: false } }
    soakSeconds: 5
    gates: [ { threshold: recovery.noneStuck } ]
`;

    /** The controller behind a real gRPC server on 127.0.0.1, and a client holding its token. */
    async function overGrpc(): Promise<{ c: RolloutController; api: RolloutApi; served: ServedRollouts }> {
      const c = new RolloutController({ progress: silentProgress });
      const served = await serveRollouts(c);
      const api = new RolloutApi({ address: served.address, port: served.port, token: served.token, pid: process.pid, startedAt: new Date().toISOString() });
      return { c, api, served };
    }

    it('an inconclusive canary pauses; Promote over gRPC goes on to the end (a wrong token is refused)', async () => {
      const { c, api, served } = await overGrpc();
      try {
        const a = await api.start({ playbook: inconclusive('pause-promote'), source: 'pause-promote.yaml' });
        const paused = await waitPhase(c, a.id, 'paused', 120_000);
        assert.equal(paused.stages[0]!.phase, 'paused');
        assert.equal(paused.stages[0]!.gates[0]!.outcome, 'inconclusive');
        assert.match(paused.stages[0]!.gates[0]!.evidence, /no metric had data/);
        const wrong = new RolloutApi({ address: served.address, port: served.port, token: 'f'.repeat(64), pid: process.pid, startedAt: '' });
        await assert.rejects(wrong.promote(a.id, 'not mine to decide'), /UNAUTHENTICATED|token/i);
        wrong.close();
        assert.equal(c.get(a.id).phase, 'paused', 'the refused call changed nothing');
        await api.promote(a.id, 'looked fine to me');
        const done = await c.settled(a.id);
        assert.equal(done.phase, 'succeeded', done.message);
        assert.deepEqual(done.stages.map((s) => s.phase), ['promoted', 'passed']);
        assert.equal(done.decisions[0]?.action, 'promote');
        await assert.rejects(api.promote(a.id, 'again'), /needs a paused rollout/);
      } finally {
        api.close();
        await served.close();
      }
    });

    it('an inconclusive canary pauses; Abort over gRPC rolls the canary back', async () => {
      const { c, api, served } = await overGrpc();
      try {
        const a = await api.start({ playbook: inconclusive('pause-abort'), source: 'pause-abort.yaml' });
        await waitPhase(c, a.id, 'paused', 120_000);
        await api.abort(a.id, 'not today');
        const done = await c.settled(a.id);
        assert.equal(done.phase, 'rolled-back', done.message);
        assert.deepEqual(done.rollback?.servers.map((u) => [u.server, u.step]), [['iad-1', 'done']]);
        assert.equal(done.stages[1]!.phase, 'pending');
        const cl = await attachCluster(runId, { meshDeadlineMs: 30_000 });
        try {
          assert.equal((await monitorGet<Varz>(cl.server('iad-1').endpoint().monitorUrl, 'varz')).version, built.patched.replace(/^v/, ''));
        } finally {
          await cl.stop();
        }
      } finally {
        api.close();
        await served.close();
      }
    });

    it('a rollback that cannot re-mesh (gateways to lhr cut meanwhile) ends ROLLBACK FAILED, naming the mesh', async () => {
      const c = new RolloutController({ progress: silentProgress });
      const cl = await attachCluster(runId, { meshDeadlineMs: 30_000 });
      try {
        const a = await c.start({ source: 'rollback-fails.yaml', playbook: `
name: rollback-fails
cluster: { attach: ${runId} }
baseline: ${built.patched}
target: ${built.statszOnly}
stages:
  # A bound every server exceeds: the canary fails by construction and is rolled back.
  - { kind: canary, server: iad-1, upgrade: { lameDuck: { enabled: false }, readySeconds: 8 }, soakSeconds: 4, gates: [ { threshold: memory.maxRssMiB, bound: 1 } ] }
` });
        await until('the canary soak began', () => c.get(a.id).stages[0]!.soakStartedAt, 60_000);
        await cl.links.disable({ to: 'lhr' });
        const done = await c.settled(a.id);
        assert.equal(done.phase, 'rollback-failed', done.message);
        assert.match(done.message, /^ROLLBACK FAILED: .*mesh\.full/);
        const mesh = done.rollback!.gates.find((g) => g.gate === 'mesh.full')!;
        assert.equal(mesh.outcome, 'fail');
        assert.match(mesh.evidence, /lhr/);
      } finally {
        await cl.links.enable({ to: 'lhr' });
        await cl.stop();
      }
    });

    it('Abort over gRPC during a soak stops it and rolls back at once', async () => {
      const { c, api, served } = await overGrpc();
      try {
        const a = await api.start({ source: 'abort-soak.yaml', playbook: `
name: abort-soak
cluster: { attach: ${runId} }
baseline: ${built.patched}
target: ${built.statszOnly}
stages:
  - { kind: canary, server: iad-1, upgrade: { lameDuck: { enabled: false } }, soakSeconds: 120, gates: [ { threshold: recovery.noneStuck } ] }
  - { kind: global, upgrade: { batchSize: 4, lameDuck: { enabled: false } }, soakSeconds: 5 }
` });
        await until('the canary soak began', () => c.get(a.id).stages[0]!.soakStartedAt, 60_000);
        const t0 = Date.now();
        await api.abort(a.id, 'changed my mind');
        const done = await c.settled(a.id);
        assert.equal(done.phase, 'rolled-back', done.message);
        assert.ok(Date.now() - t0 < 60_000, `rolled back without waiting out the 120 s soak (${Date.now() - t0} ms)`);
        assert.match(done.message, /aborted by a human during stage canary/);
        assert.deepEqual(done.stages[0]!.gates, [], 'the aborted soak was not judged');
        assert.deepEqual(done.rollback?.servers.map((u) => [u.server, u.step]), [['iad-1', 'done']]);
      } finally {
        api.close();
        await served.close();
      }
    });
  });
});

for (const backend of ['local', 'docker'] as const) describe(`rollout controller killed mid-stage (real \`rollout serve\` processes, ${backend})`, function () {
  this.timeout(backend === 'docker' ? 420_000 : 300_000);
  let built: Built;
  let runs: string;
  const children: ChildProcess[] = [];
  let clusterRun: string | undefined;
  before(async function () {
    if (backend === 'docker' && !(await dockerAvailable())) {
      if (process.env.CI) throw new Error('no Docker engine answers; CI must have one');
      skipBecause(this, 'no Docker engine answers');
    }
    built = await ensureBuilt();
  });
  beforeEach(() => { runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-rollout-kill-')); });
  afterEach(async () => {
    for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
    // Whatever a failed test left: the cluster's processes are found by its run folder.
    for (const pid of runProcesses(runs)) process.kill(pid, 'SIGKILL');
    if (backend === 'docker' && clusterRun) await removeDockerRun(clusterRun);
    clusterRun = undefined;
    rmSync(runs, { recursive: true, force: true });
  });

  const env = () => ({ ...process.env, BROWNOUT_RUNS_DIR: runs });
  function serve(): ChildProcess {
    const [first, ...rest] = serveCommand();
    const ch = spawn(process.execPath, [first!, ...rest, '--metrics-port', 'off'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    ch.stdout!.resume();
    ch.stderr!.resume();
    children.push(ch);
    return ch;
  }
  const rolloutState = (): RolloutState | undefined => {
    const dir = readdirSync(runs).find((d) => d.includes('-rollout-'));
    const f = dir && path.join(runs, dir, 'rollout.json');
    return f && existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as RolloutState) : undefined;
  };

  it(`SIGKILL during the global stage; a new controller resumes the same rollout where it was and finishes it (${backend})`, async () => {
    const first = serve();
    await until('the first controller answers', () => existsSync(path.join(runs, '.controller.json')) && readControllerFile(path.join(runs, '.controller.json'))?.pid === first.pid, 30_000);
    const pb = path.join(runs, 'kill.yaml');
    writeFileSync(pb, `
name: kill
cluster:
  backend: ${backend}
  topology: { regions: [ { name: iad, servers: 2 }, { name: lhr, servers: 2 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 3
stages:
  - { kind: canary, server: iad-1, upgrade: { lameDuck: { enabled: false } }, soakSeconds: 5, gates: [ { threshold: recovery.noneStuck } ] }
  - { kind: global, upgrade: { batchSize: 1, lameDuck: { enabled: false } }, soakSeconds: 5, gates: [ { threshold: recovery.noneStuck } ] }
`);
    const started = await runScript('harness/cli/main.ts', ['rollout', 'start', pb, '--detach'], env(), 60_000);
    assert.equal(started.status, 0, started.stdout + started.stderr);
    // Mid-stage: the global stage has moved one server and not all.
    const before = await until('the global stage is half done', () => {
      const s = rolloutState();
      const g = s?.stages[1];
      return g && g.servers.some((u) => u.step === 'done') && g.servers.some((u) => u.step !== 'done') ? s : undefined;
    }, backend === 'docker' ? 240_000 : 150_000);
    clusterRun = before.cluster.runId;
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const clusterFile = path.join(runs, '.clusters', `${before.cluster.runId}.json`);
    assert.ok(existsSync(clusterFile), 'the cluster outlives the killed controller');
    // A server down while no controller runs (as one killed between stop and start leaves it; on
    // docker its container then has no address): the next controller starts it before observing.
    const downed = before.stages[1]!.servers.find((u) => u.step === 'pending')!.server;
    if (backend === 'docker') await docker().getContainer(`brownout-${before.cluster.runId}-${downed}`).stop({ t: 2 });
    else process.kill((JSON.parse(readFileSync(clusterFile, 'utf8')) as ClusterState).local!.servers[downed]!.pid!, 'SIGTERM');

    const second = serve();
    const end = await until('the resumed rollout ends', () => {
      const s = rolloutState();
      return s && ['succeeded', 'rolled-back', 'rollback-failed', 'error'].includes(s.phase) ? s : undefined;
    }, backend === 'docker' ? 240_000 : 180_000);
    assert.equal(end.phase, 'succeeded', end.message);
    assert.equal(end.id, before.id);
    assert.equal(end.controllerPid, second.pid, 'the second controller finished it');
    // Nothing done before the kill was done again.
    assert.equal(end.stages[0]!.servers[0]!.startedAt, before.stages[0]!.servers[0]!.startedAt);
    for (const u of before.stages[1]!.servers.filter((x) => x.step === 'done')) {
      assert.equal(end.stages[1]!.servers.find((x) => x.server === u.server)!.startedAt, u.startedAt, `${u.server} was not upgraded twice`);
    }
    assert.ok(end.stages.every((s) => s.phase === 'passed'));
    assert.equal(end.stages[1]!.servers.find((u) => u.server === downed)!.step, 'done', `${downed}, down at the resume, was started and upgraded`);
    const runStarts = readFileSync(path.join(end.runDir, 'timeline.ndjson'), 'utf8').split('\n').filter((l) => l.includes('"kind":"run"') && l.includes('"phase":"start"'));
    assert.equal(runStarts.length, 2, 'one timeline, observed by both controllers');
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
    assert.ok(!existsSync(path.join(runs, '.controller.json')), 'a clean stop removes the discovery file');
    assert.ok(!existsSync(clusterFile), 'the finished rollout stopped its cluster');
    assert.deepEqual(runProcesses(runs), [], 'no process of the run is left');
    if (backend === 'docker') assert.deepEqual(await leftovers(before.cluster.runId!, path.join(end.runDir, 'cluster')), [], 'no container or network of the run is left');
  });
});
