import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterStateSchema } from '../clusters/index.ts';
import { serveCommand } from '../harness/rollout/grpc/client.ts';
import { exited, node, tsx, waitFor, type Child } from './support/child-harness.ts';
import { runScript } from './support/run-script.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster } from '../clusters/start-cluster.ts';
import { attachCluster } from '../clusters/attach-cluster.ts';
import type { StartedCluster } from '../clusters/cluster.ts';
import type { SwarmBackend } from '../clusters/swarm-backend.ts';
import { SwarmEngines } from '../clusters/swarm-engines.ts';
import { ledgerRuleTools } from '../clusters/swarm-loss-tools.ts';
import { dockerRuleTools, ruleLedgersDir, sweepRuleLedgers } from '../clusters/rule-ledger.ts';
import { labEnvironment } from '../clusters/swarm-lab-plan.ts';
import { labDown, labLeftovers, labUp } from '../clusters/swarm-lab.ts';
import { removeSwarmRun, swarmRunLeftovers } from '../clusters/swarm-resources.ts';
import { newRunId } from '../clusters/start-cluster.ts';
import { createProgress } from '../core/progress.ts';
import { parseTopology } from '../clusters/topology.ts';
import { runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { silentProgress } from '../core/progress.ts';
import { ensureBuilt } from './support/build.ts';
import { skipBecause } from './support/skip.ts';

// The swarm backend on a real multi-node swarm built on this machine (npm run swarm-lab): three
// Docker engines in their own namespaces, one per region, joined into one swarm. One lab for the
// whole file; torn down after, and nothing of it may be left.

function result(r: RunResult, name: string) {
  const t = r.verdict.results.find((x) => x.name === name);
  assert.ok(t, `${name} is not in the verdict of ${r.variant}`);
  return t;
}

describe('swarm backend on a local multi-node swarm', function () {
  this.timeout(900_000);
  const progress = createProgress('swarm-lab');
  let engines: SwarmEngines;
  let lab = false;

  before(async function () {
    if (process.getuid?.() !== 0) {
      if (process.env.CI) throw new Error('CI is set but the swarm lab needs root');
      skipBecause(this, 'the swarm lab needs root (set CI to make this a failure)');
    }
    await ensureBuilt();
    const plan = await labUp({ regions: ['iad', 'lhr', 'syd'], owned: true, progress });
    lab = true;
    Object.assign(process.env, labEnvironment(plan));
    engines = await SwarmEngines.connect();
  });

  after(async function () {
    if (!lab) return;
    await labDown(progress);
    delete process.env.BROWNOUT_SWARM_HOST;
    delete process.env.BROWNOUT_SWARM_ENGINES;
    assert.deepEqual(await labLeftovers(), [], 'the swarm lab left something');
  });

  describe('a 3×2 cluster', () => {
    let cluster: StartedCluster;
    before(async () => {
      cluster = await startCluster(parseTopology({ regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }, { name: 'syd', servers: 2 }] }), { backend: 'swarm', progress: createProgress('swarm') });
    });
    after(async () => {
      const runId = cluster?.runId;
      await cluster?.stop();
      if (runId) assert.deepEqual(await swarmRunLeftovers(engines, runId), [], 'cluster stop left something on the swarm');
    });

    it('swarm - servers of different regions run on different nodes, each region on the node labeled for it', async () => {
      const byRegion = new Map<string, Set<string>>();
      for (const e of cluster.endpoints()) (byRegion.get(e.region) ?? byRegion.set(e.region, new Set()).get(e.region)!).add(new URL(e.monitorUrl).hostname);
      assert.deepEqual([...byRegion].map(([r, hosts]) => [r, [...hosts]]), [['iad', ['10.231.0.11']], ['lhr', ['10.231.0.12']], ['syd', ['10.231.0.13']]]);
    });

    it('swarm - every cross-region gateway crosses its region\'s Toxiproxy (the bypass check holds)', async () => {
      const mesh = await cluster.waitForMesh(60_000);
      assert.ok(mesh.complete, `not fully meshed: ${mesh.missing.join(', ')}`);
      assert.deepEqual(await cluster.gatewayBypasses(mesh), []);
    });

    it('swarm - the config (it holds the system password) is a Docker secret, in no environment and no label', async () => {
      const svcs = await engines.manager.listServices({ filters: JSON.stringify({ label: [`brownout.run=${cluster.runId}`] }) });
      assert.ok('password' in cluster.system, 'a booted cluster has a system password');
      const pw = cluster.system.password;
      for (const s of svcs) {
        assert.ok(!JSON.stringify(s.Spec).includes(pw), `${s.Spec?.Name}'s spec names the password`);
        if (!s.Spec?.Name?.includes('toxiproxy')) assert.equal(s.Spec?.TaskTemplate && (s.Spec.TaskTemplate as { ContainerSpec: { Secrets?: unknown[] } }).ContainerSpec.Secrets?.length, 1);
      }
    });

    it('swarm - another process attaches through the engines the state file recorded, and its restart is seen by the owner', async () => {
      cluster.detach(); // as `cluster up` leaves it: attachable; this file's after hook still removes it
      const env = { host: process.env.BROWNOUT_SWARM_HOST, engines: process.env.BROWNOUT_SWARM_ENGINES };
      delete process.env.BROWNOUT_SWARM_HOST;
      delete process.env.BROWNOUT_SWARM_ENGINES;
      try {
        const attached = await attachCluster(cluster.runId);
        assert.deepEqual(attached.endpoints(), cluster.endpoints());
        const id = await cluster.server('syd-2').serverId();
        await attached.server('syd-2').restart();
        assert.notEqual(await cluster.server('syd-2').serverId(), id);
        await attached.stop(); // attached: lets go, the servers keep running
        // The owner acts on the task the other process started, not the one it remembered.
        await cluster.server('syd-2').pause();
        assert.equal(await cluster.server('syd-2').isRunning(), false);
        await cluster.server('syd-2').resume();
        assert.equal(await cluster.server('syd-2').isRunning(), true);
      } finally {
        Object.assign(process.env, { BROWNOUT_SWARM_HOST: env.host, BROWNOUT_SWARM_ENGINES: env.engines });
      }
      await cluster.waitForMesh(60_000);
    });

    it('swarm - IP loss through the iptables helper container (the remote-engine path): rules seen in the task\'s namespace, removed after, no helper left, NET_ADMIN only', async () => {
      process.env.BROWNOUT_SWARM_LOSS = 'helper';
      const impl = (cluster as unknown as { impl: SwarmBackend }).impl;
      const seenBefore = impl.lossHelpers.length;
      const rulesIn = (server: string) => {
        const { container } = impl.serverInfo(server);
        const [nodeId, id] = container.split('/');
        return impl.engines.node(nodeId!).getContainer(id!).inspect().then((st) => execFileSync('nsenter', ['-t', String(st.State.Pid), '-n', 'iptables', '-S', 'INPUT'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('brownout-loss:')));
      };
      try {
        const h = await cluster.links.packetLoss({ from: 'iad', to: 'lhr' }, 0.3);
        assert.ok(h.rules.length >= 4, `rules for both lhr servers, both ways: ${h.rules.length}`);
        for (const server of ['lhr-1', 'lhr-2']) assert.equal((await rulesIn(server)).length, 1, `${server}'s INPUT chain holds the loss rule`);
        await h.revert();
        for (const server of ['lhr-1', 'lhr-2']) assert.deepEqual(await rulesIn(server), [], `${server}'s rule is removed`);
      } finally {
        delete process.env.BROWNOUT_SWARM_LOSS;
      }
      const helpers = impl.lossHelpers.slice(seenBefore);
      assert.ok(helpers.length >= 8, `every -A, -D and -C went through a helper (${helpers.length})`);
      for (const hc of helpers.map((i) => i.HostConfig)) {
        assert.deepEqual(hc.CapAdd, ['NET_ADMIN']);
        assert.deepEqual(hc.CapDrop, ['ALL']);
        assert.equal(hc.Privileged, false);
        assert.ok(!hc.Binds?.length && !(hc as { Mounts?: unknown[] }).Mounts?.length, 'no mounts');
        assert.match(hc.NetworkMode ?? '', /^container:[0-9a-f]{64}$/);
      }
      for (const id of engines.nodeIds()) {
        const left = await engines.node(id).listContainers({ all: true, filters: JSON.stringify({ label: ['brownout.role=iptables-helper'] }) });
        assert.deepEqual(left.map((c) => c.Names[0]), [], `helper containers left on node ${id}`);
      }
    });

    it('swarm clean - a loss rule a killed run left in a task on another node is taken out by the crash sweep through that node\'s engine (its ledger line names it)', async () => {
      const impl = (cluster as unknown as { impl: SwarmBackend }).impl;
      const rulesIn = async (server: string) => {
        const [nodeId, id] = impl.serverInfo(server).container.split('/');
        const st = await impl.engines.node(nodeId!).getContainer(id!).inspect();
        return execFileSync('nsenter', ['-t', String(st.State.Pid), '-n', 'iptables', '-S'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('brownout-loss:'));
      };
      const h = await cluster.links.packetLoss({ from: 'iad', to: 'syd' }, 0.3);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-swarm-ledger-'));
      try {
        for (const server of ['syd-1', 'syd-2']) assert.equal((await rulesIn(server)).length, 2, `${server} holds the loss rules`);
        // The run's ledger as a killed owner leaves it: the same lines, owned by a process that is gone.
        const ledgers = readdirSync(ruleLedgersDir()).filter((f) => f.startsWith(cluster.runId) && f.endsWith('.rules.ndjson'));
        assert.equal(ledgers.length, 1, `one ledger of the run: ${ledgers.join(', ')}`);
        const dead = { pid: 2 ** 22 + 11, startTime: 1, exe: '/usr/bin/node' };
        const lines = readFileSync(path.join(ruleLedgersDir(), ledgers[0]!), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { op: string; owner?: unknown; ns?: { engine?: string } });
        const adds = lines.filter((l) => l.op === 'add');
        assert.ok(adds.length >= 2 && adds.every((l) => l.ns?.engine?.startsWith('unix:///run/brownout-swarm/')), `every ledger line names its node's engine: ${JSON.stringify(adds.map((l) => l.ns?.engine))}`);
        writeFileSync(path.join(dir, `${cluster.runId}.${dead.pid}-1.rules.ndjson`), `${lines.map((l) => JSON.stringify(l.op === 'add' ? { ...l, owner: dead } : l)).join('\n')}\n`);
        const swept = await sweepRuleLedgers(dir, ledgerRuleTools('test', dockerRuleTools));
        assert.deepEqual(swept.failed, []);
        assert.equal(swept.removed.filter((x) => x.endsWith('(deleted)')).length, adds.length, swept.removed.join('\n'));
        for (const server of ['syd-1', 'syd-2']) assert.deepEqual(await rulesIn(server), [], `${server}'s rules are out`);
        assert.deepEqual(readdirSync(dir), [], 'the swept ledger is removed');
      } finally {
        await h.revert();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('swarm - restart, kill and pause act on the task on its own node', async () => {
      const s = cluster.server('lhr-1');
      const id = await s.serverId();
      await s.restart();
      assert.notEqual(await s.serverId(), id);
      await s.pause();
      assert.equal(await s.isRunning(), false);
      await s.resume();
      assert.equal(await s.isRunning(), true);
      await s.kill();
      assert.equal(await s.isRunning(), false);
      await s.start();
      await cluster.waitForMesh(60_000);
    });
  });

  describe('packet-loss: real IP loss across nodes, placed through the helper container (the path a multi-host swarm takes)', () => {
    let stock: RunResult;
    let patched: RunResult;
    before(async () => {
      const built = await ensureBuilt();
      // Every rule through a helper container on the task's own engine, as on a node this machine does
      // not share a kernel with: the fault must be in place within its window, not spend it placing rules.
      process.env.BROWNOUT_SWARM_LOSS = 'helper';
      try {
        const run = (variant: string) => runScenario({ scenario: 'packet-loss', variant, backend: 'swarm', seed: 1, topology: { regions: ['iad', 'lhr', 'syd'], servers: 1 } });
        [stock, patched] = await Promise.all([run(built.stock), sleep(1500).then(() => run(built.patched))]);
      } finally {
        delete process.env.BROWNOUT_SWARM_LOSS;
      }
      for (const r of [stock, patched]) process.stdout.write(`      ${r.variant}: ${r.runDir}/summary.md\n`);
    });

    it('swarm packet-loss - stock fails by recovery.*', () => {
      assert.equal(stock.incomplete, false, stock.error);
      assert.equal(stock.backend, 'swarm');
      const failed = stock.verdict.results.filter((x) => !x.pass && x.name.startsWith('recovery.'));
      assert.ok(failed.length > 0, `no recovery threshold failed on stock: ${stock.verdict.results.map((x) => `${x.name}=${x.pass}`).join(', ')}`);
    });

    it('swarm packet-loss - patched passes recovery.*', () => {
      assert.equal(patched.incomplete, false, patched.error);
      for (const name of ['recovery.noneStuck', 'recovery.maxSeconds']) assert.equal(result(patched, name).pass, true, `${name} failed on patched: ${result(patched, name).observed}`);
    });
  });
  describe('statsz-storm: restarts of tasks on other nodes', () => {
    let stock: RunResult;
    let patched: RunResult;
    before(async () => {
      const built = await ensureBuilt();
      const run = (variant: string) => runScenario({ scenario: 'statsz-storm', variant, backend: 'swarm', seed: 1 });
      [stock, patched] = await Promise.all([run(built.stock), sleep(1500).then(() => run(built.patched))]);
      for (const r of [stock, patched]) process.stdout.write(`      ${r.variant}: ${r.runDir}/summary.md\n`);
    });

    it('swarm statsz-storm - stock fails by statsz.*', () => {
      assert.equal(stock.incomplete, false, stock.error);
      const failed = stock.verdict.results.filter((x) => !x.pass && x.name.startsWith('statsz.'));
      assert.ok(failed.length > 0, `no statsz threshold failed on stock: ${stock.verdict.results.map((x) => `${x.name}=${x.pass} (${x.observed})`).join(', ')}`);
    });

    it('swarm statsz-storm - patched passes statsz.*', () => {
      assert.equal(patched.incomplete, false, patched.error);
      for (const t of patched.verdict.results.filter((x) => x.name.startsWith('statsz.'))) assert.equal(t.pass, true, `${t.name} failed on patched: ${t.observed}`);
    });
  });

  it('swarm rollout - canary then global with lame duck completes: every server on the target, nothing left on any node', async () => {
    const built = await ensureBuilt();
    const c = new RolloutController({ progress: silentProgress });
    const s = await c.start({ source: 'swarm-rollout.yaml', playbook: `
name: swarm-rollout
cluster:
  backend: swarm
  topology: { regions: [ { name: iad, servers: 2 }, { name: lhr, servers: 2 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 5
stages:
  - kind: canary
    server: iad-1
    upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 3 } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck } ]
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 3 } }
    soakSeconds: 10
    gates: [ { threshold: statsz.maxPerServerPerSecond }, { threshold: recovery.noneStuck } ]
` });
    const end = await c.settled(s.id);
    await c.close();
    assert.equal(end.phase, 'succeeded', end.message);
    assert.equal(end.cluster.backend, 'swarm');
    const all = end.stages.flatMap((st) => st.servers);
    assert.deepEqual(all.map((u) => u.step), ['done', 'done', 'done', 'done']);
    assert.ok(all.every((u) => u.lameDuckMs >= 2_500), `every server went through lame duck: ${all.map((u) => `${u.server} ${u.lameDuckMs} ms`).join(', ')}`);
    assert.deepEqual(await swarmRunLeftovers(engines, end.cluster.runId!), []);
  });

  it('swarm rollout - a controller SIGKILLed in the canary\'s lame duck: a new one resumes and completes, every server on the target, nothing left on any node', async () => {
    const built = await ensureBuilt();
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'brownout-swarm-resume-'));
    mkdirSync(path.join(runsDir, '.tmp'));
    const env = { ...process.env, BROWNOUT_RUNS_DIR: runsDir, TMPDIR: path.join(runsDir, '.tmp') };
    const controllers: Child[] = [];
    const serve = () => {
      const c = node([...serveCommand(), '--metrics-port', 'off'], env);
      controllers.push(c);
      return c;
    };
    let runId: string | undefined;
    try {
      const first = serve();
      await waitFor(first, /serving until/, 60_000, 'the first controller serving');
      const pb = path.join(runsDir, 'resume.yaml');
      writeFileSync(pb, `
name: swarm-resume
cluster:
  backend: swarm
  topology: { regions: [ { name: iad, servers: 1 }, { name: lhr, servers: 1 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 3
stages:
  - { kind: canary, server: iad-1, upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 10 } }, soakSeconds: 3, gates: [ { threshold: memory.maxRssMiB } ] }
  - { kind: global, upgrade: { lameDuck: { enabled: false } }, soakSeconds: 6, gates: [ { threshold: memory.maxRssMiB } ] }
`);
      const started = runScript('harness/cli/main.ts', ['rollout', 'start', pb, '--detach'], env, 60_000);
      assert.equal(started.status, 0, started.stdout + started.stderr);
      const id = /started rollout (\S+):/.exec(started.stdout)![1]!;
      type R = { phase: string; message: string; currentStage: number; controllerPid?: number; ending?: unknown; cluster: { runId?: string }; stages: { phase: string; servers: { server: string; step: string }[] }[] };
      const read = (): R | undefined => { try { return JSON.parse(readFileSync(path.join(runsDir, id, 'rollout.json'), 'utf8')) as R; } catch { return undefined; } };
      const t0 = Date.now();
      for (;;) {
        const s = read();
        if (s?.stages[0]?.servers[0]?.step === 'lame-duck') break;
        assert.ok(!s || ['pending', 'progressing'].includes(s.phase) && ['pending', 'lame-duck'].includes(s.stages[0]!.servers[0]!.step), `the kill moment went by: ${JSON.stringify(s?.stages)}\n${first.output().slice(-1500)}`);
        assert.ok(Date.now() - t0 < 180_000, `no lame duck within 180 s: ${first.output().slice(-1500)}`);
        await sleep(50);
      }
      await sleep(1500);
      first.kill('SIGKILL');
      await exited(first, 10_000);
      runId = read()!.cluster.runId!;
      const clusterFile = path.join(runsDir, '.clusters', `${runId}.json`);
      const monitors = Object.fromEntries(clusterStateSchema.parse(JSON.parse(readFileSync(clusterFile, 'utf8'))).endpoints.map((e) => [e.name, e.monitorUrl]));
      const second = serve();
      let finalVersions: Record<string, string> | undefined;
      let end: R | undefined;
      const deadline = Date.now() + 240_000;
      while (!end) {
        const s = read();
        if (s && ['succeeded', 'rolled-back', 'rollback-failed', 'error'].includes(s.phase)) end = s;
        else if (s && !s.ending && s.currentStage === s.stages.length - 1 && s.stages.at(-1)!.phase === 'soaking' && s.stages.every((st) => st.servers.every((u) => u.step === 'done'))) {
          const v: Record<string, string> = {};
          for (const [n, u] of Object.entries(monitors)) {
            const j = await fetch(`${u}/varz`, { signal: AbortSignal.timeout(3000) }).then((r) => r.json() as Promise<{ version?: string }>, () => undefined);
            if (j?.version) v[n] = j.version;
          }
          if (Object.keys(v).length === Object.keys(monitors).length) finalVersions = v;
        }
        assert.ok(second.exitCode === null && Date.now() < deadline, `the resumed rollout did not end: ${JSON.stringify(s)}\n${second.output().slice(-2000)}`);
        await sleep(200);
      }
      assert.equal(end.phase, 'succeeded', `${end.message}\n${second.output().slice(-2000)}`);
      assert.equal(end.controllerPid, second.pid, 'the new controller finished it');
      const want = built.patched.replace(/^v/, '');
      assert.deepEqual(finalVersions, Object.fromEntries(Object.keys(monitors).map((n) => [n, want])), '/varz version of every server in the final soak');
      second.kill('SIGTERM');
      assert.equal(await exited(second, 60_000), 0, second.output().slice(-2000));
      assert.deepEqual(await swarmRunLeftovers(engines, runId), [], 'the finished rollout left something on the swarm');
    } finally {
      for (const c of controllers) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      const clean = tsx(['scripts/clean.ts'], env);
      await exited(clean, 120_000);
      if (runId) assert.deepEqual(await swarmRunLeftovers(engines, runId), [], `left after clean:\n${clean.output()}`);
      rmSync(runsDir, { recursive: true, force: true });
    }
  });

  it('swarm clean - a run whose harness died before writing its state file is swept by label on every node (the lab\'s engines, none in the environment)', async () => {
    const runId = newRunId();
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'brownout-swarm-orphan-'));
    mkdirSync(path.join(runsDir, '.tmp'));
    const env: NodeJS.ProcessEnv = { ...process.env, BROWNOUT_RUNS_DIR: runsDir, TMPDIR: path.join(runsDir, '.tmp') };
    try {
      const child = tsx([path.join('test', 'support', 'swarm-die-before-state.ts'), runId], env);
      assert.equal(await exited(child, 120_000), 'SIGKILL', child.output());
      const left = await swarmRunLeftovers(engines, runId);
      assert.ok(left.some((x) => x.startsWith('service ')) && left.some((x) => x.startsWith('network ')) && left.some((x) => x.startsWith('secret ')), `the dead harness left its run: ${left.join(', ')}`);
      delete env.BROWNOUT_SWARM_HOST;
      delete env.BROWNOUT_SWARM_ENGINES;
      const clean = tsx(['scripts/clean.ts'], env);
      assert.equal(await exited(clean, 120_000), 0, clean.output());
      assert.match(clean.output(), new RegExp(`removed ${runId} \\(swarm unix://`), clean.output());
      assert.deepEqual(await swarmRunLeftovers(engines, runId), [], `left after clean:\n${clean.output()}`);
    } finally {
      await removeSwarmRun(engines, runId);
      rmSync(runsDir, { recursive: true, force: true });
    }
  });

  it('swarm rollout - a canary that fails its gate is rolled back the same way: lame duck, its service back on the baseline image, nothing left on any node', async () => {
    const built = await ensureBuilt();
    const c = new RolloutController({ progress: silentProgress });
    // A gate no server can pass (RSS under 1 MiB): the point is the way back on swarm, not the detector.
    const s = await c.start({ source: 'swarm-rollback.yaml', playbook: `
name: swarm-rollback
cluster:
  backend: swarm
  topology: { regions: [ { name: iad, servers: 1 }, { name: lhr, servers: 1 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 7
stages:
  - kind: canary
    server: lhr-1
    upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 3 } }
    soakSeconds: 3
    gates: [ { threshold: memory.maxRssMiB, bound: 1 } ]
  - { kind: global, upgrade: { lameDuck: { enabled: false } }, soakSeconds: 3 }
` });
    const end = await c.settled(s.id);
    await c.close();
    assert.equal(end.phase, 'rolled-back', end.message);
    assert.match(end.message, /memory\.maxRssMiB/);
    assert.equal(end.stages[1]!.phase, 'pending', 'the global stage never started');
    assert.deepEqual(end.rollback?.servers.map((u) => [u.server, u.step, u.to]), [['lhr-1', 'done', built.stock]]);
    assert.ok(end.rollback!.servers[0]!.lameDuckMs >= 2_500, `the way back went through lame duck too: ${end.rollback!.servers[0]!.lameDuckMs} ms`);
    assert.deepEqual(await swarmRunLeftovers(engines, end.cluster.runId!), []);
  });
});
