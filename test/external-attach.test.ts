// An external cluster (issue 20): a 3×3 super-cluster started by a plain shell script
// (test/support/external-cluster.sh: its own configs and pids, nothing of brownout's), described by
// a cluster file whose system password comes from an environment variable. brownout attaches to
// it, observes and probes it under the user's subject prefix, refuses every server fault (exit 2
// naming the fault and why), adds link faults only through a Toxiproxy the user runs and names
// (and removes only its own toxics there), never writes the secret into a run folder, and leaves
// every process the script started running; `clean` and `cluster down` never reach it. Discovery
// from one monitoring URL finds the whole cluster through the system account.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { attachExternal, findAttachable, loadClusterFile, versionOfVariant, type ServerHooks } from '../clusters/index.ts';
import { ToxiproxyClient } from '../clusters/toxiproxy-client.ts';
import { waitFor } from '../clusters/wait.ts';
import { BadInputError, EXIT, HarnessError } from '../core/errors.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { REPO_ROOT, toxiproxyBinary } from '../core/layout.ts';
import { clusterDiscover } from '../harness/cli/cluster.ts';
import { attachTarget } from '../harness/cli/plan-flags.ts';
import { startProbe } from '../harness/probe/log-probe.ts';
import { executePlan, planRun } from '../harness/run/index.ts';
import { ensureBuilt } from './support/build.ts';
import { startScriptCluster, type ScriptCluster } from './support/external-cluster.ts';
import { runScript } from './support/run-script.ts';

const BASE_PORT = 24000;
const TOXIPROXY_PORT = 24400;

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A short scenario with no fault, or with `fault` in its second step. */
function scenario(name: string, fault?: Record<string, unknown>): { input: unknown; source: string } {
  return {
    source: `test ${name}`,
    input: {
      name, description: 'observe an external cluster', topology: {},
      steps: [{ name: 'observe', holdSeconds: 2 }, { name: fault ? 'fault' : 'observe more', holdSeconds: 3, ...(fault ? { fault } : {}) }],
      settleSeconds: 1, detectors: ['probe.maxLossOutsideFaults'],
    },
  };
}

function planOn(attach: string, s: { input: unknown; source: string }) {
  const problems: string[] = [];
  const attached = attachTarget(attach, problems);
  assert.deepEqual(problems, []);
  return planRun({ scenario: s, attached, seed: 7 });
}

describe('external cluster: attach', function () {
  let c: ScriptCluster;
  let pidsBefore: Map<string, number>;
  const runDirs: string[] = [];

  before(async function () {
    const built = await ensureBuilt();
    c = await startScriptCluster({ variant: built.stock, basePort: BASE_PORT, secret: 'env' });
    pidsBefore = c.pids();
    assert.equal(pidsBefore.size, 9);
  });

  after(async () => {
    for (const d of runDirs) rmSync(d, { recursive: true, force: true });
    await c?.stop();
  });

  it('external attach - a run observes and probes it under the user\'s prefix, as the user\'s probe account: summary and junit, no secret in the run folder', async () => {
    // The probe as the APP user the file names (its password in a file), under the file's prefix.
    writeFileSync(path.join(c.dir, 'app.password'), `app-${c.systemPassword}\n`);
    const file = c.writeClusterFile('with-probe.yaml', { ...c.clusterData(), probe: { subjectPrefix: 'team.canary', user: 'app', passwordFile: 'app.password' } });
    // A bystander in the APP account: the probe must publish under team.canary, never logs.
    const nc: NatsConnection = await connect({ servers: c.servers[0]!.clientUrl });
    const seen = { probe: 0, logs: 0 };
    nc.subscribe('team.canary.>', { callback: () => { seen.probe += 1; } });
    nc.subscribe('logs.>', { callback: () => { seen.logs += 1; } });
    await nc.flush();
    try {
      const plan = planOn(`external:${file}`, scenario('external-observe'));
      assert.equal(plan.backend, 'external');
      const r = await executePlan(plan);
      runDirs.push(r.runDir);
      assert.equal(r.backend, 'external');
      assert.equal(r.attachedTo, `external:${file}`);
      assert.equal(r.variant, 'v2.10.14', 'the variant /varz reports, once attached');
      assert.equal(r.incomplete, false);
      const files = filesUnder(r.runDir).map((f) => path.relative(r.runDir, f));
      for (const f of ['summary.json', 'junit.xml']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      // Neither the system password nor the probe's (which contains it) is anywhere in the run folder.
      for (const f of filesUnder(r.runDir)) assert.ok(!readFileSync(f, 'latin1').includes(c.systemPassword), `the system password is in ${f}`);
      assert.ok(seen.probe > 50, `probe messages under team.canary: ${seen.probe}`);
      assert.equal(seen.logs, 0, 'nothing published under logs.>');
    } finally {
      await nc.close();
    }
    assert.deepEqual(c.pids(), pidsBefore);
  });

  it('external attach - the probe connects with the credentials the file gives it: a wrong password is refused by the servers', async () => {
    writeFileSync(path.join(c.dir, 'wrong.password'), 'not-the-password\n');
    const file = c.writeClusterFile('wrong-probe.yaml', { ...c.clusterData(), probe: { user: 'app', passwordFile: 'wrong.password' } });
    const cluster = await attachExternal(file, { meshDeadlineMs: 0 });
    try {
      await assert.rejects(startProbe(cluster, { timeline: { append: () => undefined }, regions: ['iad'] }), /Authorization Violation/i);
    } finally {
      await cluster.stop();
    }
  });

  it('external attach - server faults exit 2 naming the fault and why; link faults too when the file names no Toxiproxy', () => {
    const r = runScript('harness/cli/main.ts', ['chaos', 'kill', '--attach', `external:${c.clusterFile}`, '--metrics-port', 'off'], process.env, 60_000);
    assert.equal(r.status, EXIT.badInput, r.stderr);
    assert.match(r.stderr, /steps\[\d+\]\.fault\.type: "kill" cannot run on the external cluster .*cluster\.yaml: the servers of an external cluster belong to their own deploy tooling: brownout never signals, kills, pauses or restarts them/);
    for (const [name, fault] of [['restart', { type: 'restart', servers: ['iad-2'] }], ['pause', { type: 'pause', servers: ['iad-2'] }], ['latency', { type: 'latency', to: 'lhr', latencyMs: 100 }]] as const) {
      assert.throws(() => planOn(`external:${c.clusterFile}`, scenario('external-refused', fault)), (e: unknown) => e instanceof BadInputError
        && e.problems.some((p) => p.startsWith(`steps[1].fault.type: "${name}" cannot run on the external cluster`) && (name === 'latency' ? /names no toxiproxy/.test(p) : /never signals/.test(p))), name);
    }
    // And at run time, whatever the plan: a kill is refused by the backend itself.
    assert.deepEqual(c.pids(), pidsBefore);
  });

  it('external attach - the local example\'s cluster file attaches; a server step through the cluster object is refused, nothing is signalled, no bypass is claimed', async () => {
    // examples/external/local/cluster.yaml describes exactly this script cluster (base port 24000).
    process.env.BROWNOUT_EXAMPLE_SYS_PASSWORD = c.systemPassword;
    const cluster = await attachExternal(path.join(REPO_ROOT, 'examples', 'external', 'local', 'cluster.yaml'));
    try {
      assert.equal(cluster.runId, 'external:local-demo');
      assert.equal(cluster.topology.lameDuck?.durationSeconds, 30);
      assert.deepEqual(cluster.topology.ping, { interval: '1s', max: 2 }, 'read from /varz');
      assert.equal(cluster.owned, false);
      for (const [what, act] of [['kill', () => cluster.server('iad-1').kill()], ['restart', () => cluster.server('iad-1').restart()], ['pause', () => cluster.server('iad-1').pause()], ['upgrade', () => cluster.server('iad-1').upgrade('v2.10.14+brownout')]] as const) {
        await assert.rejects(act(), (e: unknown) => e instanceof BadInputError && /external cluster/.test(e.message), what);
      }
      assert.deepEqual(await cluster.gatewayBypasses(), [], 'no Toxiproxy named: nothing is bypassed');
    } finally {
      await cluster.stop();
      delete process.env.BROWNOUT_EXAMPLE_SYS_PASSWORD;
    }
    assert.deepEqual(c.pids(), pidsBefore);
  });

  it('external attach - clean and cluster down never reach it', () => {
    const clean = runScript('scripts/clean.ts', [], process.env, 120_000);
    assert.ok(clean.status === 0 || clean.status === 3, clean.stderr);
    const down = runScript('harness/cli/main.ts', ['cluster', 'down', '--all'], process.env, 120_000);
    assert.equal(down.status, 0, down.stderr);
    assert.doesNotMatch(clean.stdout + down.stdout, /script-24000|external/);
    assert.deepEqual(c.pids(), pidsBefore);
  });

  it('external attach - discovery from one monitoring URL finds every server through the system account; without it, TODOs', async () => {
    const out = path.join(c.dir, 'discovered.yaml');
    const lines: string[] = [];
    const d = await clusterDiscover({ monitorUrl: c.servers[4]!.monitorUrl, systemUser: 'sys', systemPasswordEnv: c.passwordEnv!, name: 'found', out }, (l) => lines.push(l));
    assert.equal(d.todo, false, d.text);
    assert.ok(!d.text.includes(c.systemPassword), 'the password is never written');
    assert.match(lines.join('\n'), /checks: use it with --attach external:/);
    const spec = loadClusterFile(out);
    assert.deepEqual(spec.servers.map((s) => `${s.region}/${s.name}/${s.monitorUrl}/${s.clientUrl}`).sort(), c.servers.map((s) => `${s.region}/${s.name}/${s.monitorUrl}/${s.clientUrl}`).sort());
    assert.deepEqual(findAttachable(`external:${out}`).topology.regions.map((r) => `${r.name}×${r.servers}`).sort(), ['iad×3', 'lhr×3', 'syd×3']);
    const bare = await clusterDiscover({ monitorUrl: c.servers[4]!.monitorUrl }, () => undefined);
    assert.equal(bare.todo, true);
    assert.match(bare.text, /# guessed: without the system account/);
    assert.match(bare.text, /# TODO: .*(region|monitoring URL|client URL)/);
    assert.deepEqual(c.pids(), pidsBefore);
  });

  it('external attach - with hooks, a server moves only through them: upgraded and checked by /varz, a wrong version fails the step', async function () {
    const built = await ensureBuilt();
    const calls: string[] = [];
    const hooks = (expected: (v: string) => string): ServerHooks => ({
      steps: { lameDuck: true, stop: true, start: true, upgrade: false },
      lameDuck: async (s) => { calls.push(`ldm ${s.name}`); await c.script$('ldm', s.name); },
      stop: async (s) => { calls.push(`stop ${s.name}`); await c.script$('stop', s.name); },
      start: async (s, v) => { calls.push(`start ${s.name} ${v}`); await c.script$('start', s.name, v); },
      expectedVersion: expected,
    });
    const up = await attachExternal(c.clusterFile, { hooks: hooks(versionOfVariant) });
    try {
      assert.equal(up.server('iad-3').variant, built.stock);
      await up.server('iad-3').upgrade(built.patched);
      assert.equal(up.server('iad-3').variant, built.patched);
      assert.equal((await monitorGet<Varz>(c.servers[2]!.monitorUrl, 'varz')).version, versionOfVariant(built.patched));
      await assert.rejects(up.server('iad-3').kill(), /never kills a server it did not start/);
    } finally {
      await up.stop();
    }
    const wrong = await attachExternal(c.clusterFile, { hooks: hooks(() => '9.9.9'), meshDeadlineMs: 30_000 });
    try {
      await assert.rejects(wrong.server('iad-3').upgrade(built.stock), (e: unknown) => e instanceof HarnessError && /iad-3 was started as v2\.10\.14 by the start hook but its \/varz reports version 2\.10\.14, not 9\.9\.9/.test(e.message));
      await wrong.waitForMesh(30_000);
    } finally {
      await wrong.stop();
    }
    assert.deepEqual(calls, ['stop iad-3', `start iad-3 ${built.patched}`, 'stop iad-3', `start iad-3 ${built.stock}`]);
    // Only the hooks moved iad-3; every other server is the process the script started.
    const now = c.pids();
    for (const [name, pid] of pidsBefore) if (name !== 'iad-3') assert.equal(now.get(name), pid, name);
    assert.ok(now.get('iad-3'));
    pidsBefore = now;
  });

  describe('through the user\'s Toxiproxy', () => {
    let tp: ChildProcess;
    let tpDir: string;
    let client: ToxiproxyClient;
    let file: string;
    const gatewayOf = (name: string) => Number(new URL(c.servers.find((s) => s.name === name)!.clientUrl).port) + 2;

    before(async () => {
      tpDir = mkdtempSync(path.join(os.tmpdir(), 'brownout-ext-tp-'));
      tp = spawn(toxiproxyBinary(), ['-host', '127.0.0.1', '-port', String(TOXIPROXY_PORT)], { stdio: 'ignore', cwd: tpDir });
      client = new ToxiproxyClient(`http://127.0.0.1:${TOXIPROXY_PORT}`);
      let exited: number | null | undefined;
      tp.once('exit', (code) => { exited = code; });
      await waitFor(`the user's Toxiproxy on port ${TOXIPROXY_PORT}`, 10_000, async () => {
        // Exited at once: the port is taken (another run's Toxiproxy still closing, or someone else's).
        if (exited !== undefined) throw new Error(`toxiproxy-server exited with ${exited}: is port ${TOXIPROXY_PORT} free?`);
        return { done: true, value: await client.version() };
      });
      assert.equal(exited, undefined, 'our Toxiproxy answers, not one left from before');
      await client.populate([
        { name: 'iad-to-lhr-1', listen: `127.0.0.1:${TOXIPROXY_PORT + 1}`, upstream: `127.0.0.1:${gatewayOf('lhr-1')}`, enabled: true },
        { name: 'users-own', listen: `127.0.0.1:${TOXIPROXY_PORT + 2}`, upstream: '127.0.0.1:9', enabled: true },
      ]);
      await client.addToxic('users-own', { name: 'theirs', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 0 } });
      file = c.writeClusterFile('with-toxiproxy.yaml', { ...c.clusterData(), toxiproxy: { api: `http://127.0.0.1:${TOXIPROXY_PORT}`, proxies: [{ name: 'iad-to-lhr-1', from: 'iad', to: 'lhr-1' }] } });
    });

    after(async () => {
      if (tp && tp.exitCode === null) {
        const gone = new Promise((r) => tp.once('exit', r));
        tp.kill('SIGTERM');
        await gone;
      }
      if (tpDir) rmSync(tpDir, { recursive: true, force: true });
    });

    it('external attach - a latency fault goes through the named proxy only; afterwards only our toxics are gone', async () => {
      const plan = planOn(`external:${file}`, scenario('external-latency', { type: 'latency', to: 'lhr-1', latencyMs: 50 }));
      const r = await executePlan(plan);
      runDirs.push(r.runDir);
      const timeline = readFileSync(path.join(r.runDir, 'timeline.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; phase?: string; fault?: string; targets?: string[] });
      const applied = timeline.filter((x) => x.kind === 'fault' && x.phase === 'applied');
      assert.deepEqual(applied.map((x) => [x.fault, x.targets]), [['latency', ['iad-to-lhr-1']]]);
      const proxies = await client.proxies();
      assert.deepEqual(proxies['iad-to-lhr-1']!.toxics, [], 'our toxic removed');
      assert.deepEqual(proxies['users-own']!.toxics.map((t) => t.name), ['theirs'], 'the user\'s own toxic untouched');
      const cluster = await attachExternal(file);
      try {
        for (const b of await cluster.gatewayBypasses()) assert.match(b, /^iad-\d → lhr via .* \(not through proxy iad-to-lhr-1\)$/);
        // The scoped reset removes only what this object placed.
        await cluster.links.addToxic({ to: 'lhr-1' }, { type: 'latency', latencyMs: 10 });
        await cluster.links.reset();
        assert.deepEqual((await client.proxies())['users-own']!.toxics.map((t) => t.name), ['theirs']);
        assert.deepEqual((await client.proxies())['iad-to-lhr-1']!.toxics, []);
        // Letting go undoes what is still placed (a packet-loss heal leaves its toxic at toxicity 0).
        await cluster.links.addToxic({ to: 'lhr-1' }, { type: 'blackhole', toxicity: 0 });
        await cluster.links.disable({ to: 'lhr-1' });
      } finally {
        await cluster.stop();
      }
      const after = await client.proxies();
      assert.deepEqual(after['iad-to-lhr-1']!.toxics, []);
      assert.equal(after['iad-to-lhr-1']!.enabled, true);
      assert.deepEqual(after['users-own']!.toxics.map((t) => t.name), ['theirs']);
      // A link fault that none of the user's proxies carries is refused before anything starts.
      assert.throws(() => planOn(`external:${file}`, scenario('external-no-proxy', { type: 'latency', to: 'syd', latencyMs: 50 })),
        (e: unknown) => e instanceof BadInputError && e.problems.some((p) => p.startsWith('steps[1].fault.to: no proxy of the cluster file\'s Toxiproxy carries to syd; it names iad-to-lhr-1 (iad → lhr-1)')));
      assert.throws(() => planOn(`external:${file}`, scenario('external-no-proxy', { type: 'partition', region: 'lhr' })),
        (e: unknown) => e instanceof BadInputError && e.problems.some((p) => p.startsWith('steps[1].fault.from: no proxy of the cluster file\'s Toxiproxy carries from lhr')));
      planOn(`external:${file}`, scenario('external-proxied', { type: 'blackhole', from: 'iad', to: 'lhr' }));
      // IP-level loss is refused before anything starts, even with a Toxiproxy named.
      assert.throws(() => planOn(`external:${file}`, scenario('external-ip-loss', { type: 'packet-loss', to: 'lhr-1', model: 'ip-loss', probability: 0.5 })),
        (e: unknown) => e instanceof BadInputError && e.problems.some((p) => /^steps\[1\]\.fault\.model: "ip-loss" cannot run on the external cluster .*iptables rules to hosts brownout does not own/.test(p)));
      assert.deepEqual(c.pids(), pidsBefore);
    });

    it('external attach - a proxy the user\'s Toxiproxy does not have: exit 2 naming the field', async () => {
      const bad = c.writeClusterFile('missing-proxy.yaml', { ...c.clusterData(), toxiproxy: { api: `http://127.0.0.1:${TOXIPROXY_PORT}`, proxies: [{ name: 'nope', to: 'lhr-1' }] } });
      await assert.rejects(attachExternal(bad, { meshDeadlineMs: 0 }), (e: unknown) => e instanceof BadInputError && e.exitCode === 2
        && e.problems.some((p) => p.startsWith(`${bad}: toxiproxy.proxies[0].name: no proxy "nope" at http://127.0.0.1:${TOXIPROXY_PORT}; it has iad-to-lhr-1, users-own`)));
    });
  });
});
