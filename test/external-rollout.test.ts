// Rollouts on a cluster brownout did not start: a 3×3 super-cluster started by a plain shell script
// (test/support/external-cluster.sh: its own configs, pids and binaries), moved only through the
// playbook's hooks (examples/external/local: scripts handing each step to that supervisor). A
// rollout stock → patched completes; patched → stock is rolled back by the STATSZ gate; a start
// hook that exits 1 fails its step and rolls back; the dry run prints every command and runs none.
// After each, every server the script started still runs (a new pid where a hook restarted it),
// and brownout left nothing of its own: no cluster state file, no hook process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { statesDir } from '../clusters/index.ts';
import { BadInputError, EXIT, exitCodeOf } from '../core/errors.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { silentProgress } from '../core/progress.ts';
import { rolloutStart } from '../harness/cli/rollout.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { startScriptCluster } from './support/external-cluster.ts';
import { runScript } from './support/run-script.ts';

const EXAMPLE = path.join(REPO_ROOT, 'examples/external/local');
const SCRIPT = path.join(REPO_ROOT, 'test/support/external-cluster.sh');
type ScriptCluster = Awaited<ReturnType<typeof startScriptCluster>>;
type PlaybookDoc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The local example copied beside a playbook of our own (its hooks found as ./hooks/…), pointed at `clusterFile`. */
function examplePlaybook(into: string, clusterFile: string, edit?: (pb: PlaybookDoc) => void): string {
  cpSync(path.join(EXAMPLE, 'hooks'), path.join(into, 'hooks'), { recursive: true });
  const pb = parse(readFileSync(path.join(EXAMPLE, 'playbook.yaml'), 'utf8')) as PlaybookDoc;
  pb.cluster.external = clusterFile;
  edit?.(pb);
  const file = path.join(into, 'playbook.yaml');
  writeFileSync(file, stringify(pb));
  return file;
}

async function versions(cl: ScriptCluster, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const file = parse(readFileSync(cl.clusterFile, 'utf8')) as { servers: { name: string; monitorUrl: string }[] };
  for (const s of file.servers) if (names.includes(s.name)) out[s.name] = (await monitorGet<Varz>(s.monitorUrl, 'varz', 5000)).version;
  return out;
}

/**
 * Processes working in `dir` (hooks run in the playbook's folder, and so do the servers a start
 * hook launched) other than the servers in `servers`: what a hook left behind.
 */
function processesIn(dir: string, servers: ReadonlySet<number>): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${p}/cwd`) === dir && !servers.has(Number(p))) out.push(`${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

describe('rollout on an external cluster (script-started servers, hooks)', function () {
  this.timeout(240_000);
  let built: Built;
  let work: string;
  let runs: string;
  const clusters: ScriptCluster[] = [];
  const statesBefore = () => (existsSync(statesDir()) ? readdirSync(statesDir()).sort() : []);
  let states0: string[];

  before(async () => {
    built = await ensureBuilt();
    process.env.EXTERNAL_CLUSTER_SH = SCRIPT;
    states0 = statesBefore();
  });
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'brownout-ext-rollout-'));
    runs = path.join(work, 'runs');
  });
  afterEach(async () => {
    for (const c of clusters.splice(0)) await c.stop();
    delete process.env.LOCAL_CLUSTER_DIR;
    rmSync(work, { recursive: true, force: true });
  });
  after(() => { delete process.env.EXTERNAL_CLUSTER_SH; });

  async function cluster(variant: string, basePort: number, secret: 'file' | 'env' = 'file'): Promise<ScriptCluster> {
    const cl = await startScriptCluster({ variant, basePort, secret, extra: { lameDuck: { durationSeconds: 30, graceSeconds: 1 } } });
    clusters.push(cl);
    process.env.LOCAL_CLUSTER_DIR = cl.dir;
    return cl;
  }

  async function run(file: string): Promise<RolloutState> {
    const c = new RolloutController({ progress: silentProgress, runsDir: runs });
    try {
      const s = await c.start({ playbook: readFileSync(file, 'utf8'), source: file });
      return await c.settled(s.id);
    } finally {
      await c.close();
    }
  }

  /** What must hold after every rollout: the script's nine servers run, moved ones under new pids; nothing of ours is left. */
  function leftAsFound(cl: ScriptCluster, before: Map<string, number>, moved: readonly string[], end: RolloutState): void {
    const after = cl.pids();
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'every server the script started still runs');
    for (const [name, pid] of before) {
      if (moved.includes(name)) assert.notEqual(after.get(name), pid, `${name} was restarted by the hooks (a new pid)`);
      else assert.equal(after.get(name), pid, `${name} was not touched`);
    }
    assert.deepEqual(statesBefore(), states0, 'no cluster state file: the external cluster is never recorded as ours');
    assert.equal(end.cluster.owned, false);
    assert.equal(end.cluster.runId, undefined);
    // The servers the hooks started work in the hooks' folder (so the check below looks in the right place) ...
    for (const n of moved) assert.equal(readlinkSync(`/proc/${after.get(n)}/cwd`), work, `${n} was started by a hook`);
    // ... and nothing else does: no hook, nor anything a hook started, is left.
    assert.deepEqual(processesIn(work, new Set(after.values())), [], 'no hook process left running');
  }

  it('external rollout - stock → patched through the example\'s hooks completes: every server on the target, still running, hooks\' output in the run folder', async () => {
    const t0 = Date.now();
    const cl = await cluster(built.stock, 25000);
    const before = cl.pids();
    const file = examplePlaybook(work, cl.clusterFile);
    const end = await run(file);
    assert.equal(end.phase, 'succeeded', end.message);
    const names = [...before.keys()];
    const moved = end.stages.flatMap((s) => s.servers.map((u) => u.server));
    assert.deepEqual([...moved].sort(), [...names].sort(), 'every server moved once');
    assert.ok(end.stages.every((s) => s.gates.length > 0 && s.gates.every((g) => g.outcome === 'pass')), JSON.stringify(end.stages.map((s) => s.gates)));
    const v = await versions(cl, names);
    for (const n of names) assert.equal(v[n], built.patched.replace(/^v/, ''), `${n} reports the target's version`);
    // The canary went through the lameDuck hook, and the server left the mesh by itself.
    const canary = end.stages[0]!.servers[0]!;
    assert.ok(canary.lameDuckMs > 0, `the canary's lame duck was waited out (${canary.lameDuckMs} ms)`);
    const logs = readdirSync(path.join(end.runDir, 'hooks'));
    for (const hook of ['lameDuck', 'stop', 'start']) assert.ok(logs.includes(`${canary.server}.${hook}.1.log`), `${hook} log of ${canary.server} in ${logs.join(', ')}`);
    assert.match(readFileSync(path.join(end.runDir, 'hooks', `${canary.server}.start.1.log`), 'utf8'), new RegExp(`${canary.server} started on ${built.patched.replace(/[+.]/g, '\\$&')}`));
    assert.equal(logs.filter((f) => f.endsWith('.start.1.log')).length, 9, 'a start hook per server');
    leftAsFound(cl, before, names, end);
    process.stderr.write(`    (stock → patched, 9 servers: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });

  it('external rollout - patched → stock on a patched cluster fails the STATSZ gate and the hooks roll every moved server back to the baseline', async () => {
    const t0 = Date.now();
    const cl = await cluster(built.patched, 25100);
    const before = cl.pids();
    // As in test/rollout.test.ts: one stock server restarting among patched ones barely shows; a
    // batch of restarts storms, so the stage that moves a batch fails by statsz.maxPerServerPerSecond.
    const file = examplePlaybook(work, cl.clusterFile, (pb) => {
      pb.baseline = 'patched';
      pb.target = 'stock';
      pb.stages = [
        { kind: 'canary', region: 'iad', upgrade: { lameDuck: { enabled: false } }, soakSeconds: 3, gates: [{ threshold: 'statsz.maxPerServerPerSecond' }, { threshold: 'recovery.noneStuck' }] },
        // Two at once: a storm. A stage moves all its batches before it is judged, so the region
        // stage (the canary's region only) bounds the rollback to three servers.
        { kind: 'region', upgrade: { batchSize: 2, lameDuck: { enabled: false } }, soakSeconds: 3, gates: [{ threshold: 'statsz.maxPerServerPerSecond' }, { threshold: 'recovery.noneStuck' }] },
      ];
    });
    const end = await run(file);
    assert.equal(end.phase, 'rolled-back', end.message);
    const failedAt = end.stages.findIndex((s) => s.gates.some((g) => g.outcome === 'fail'));
    assert.ok(failedAt >= 0, `a stage failed its gates: ${JSON.stringify(end.stages.map((s) => s.gates))}`);
    assert.deepEqual(end.stages[failedAt]!.gates.filter((g) => g.outcome === 'fail').map((g) => g.gate), ['statsz.maxPerServerPerSecond'], 'the STATSZ detector, and only it, failed the stage');
    assert.match(end.message, /statsz\.maxPerServerPerSecond/);
    assert.ok(end.rollback && end.rollback.gates.every((g) => g.outcome === 'pass'), JSON.stringify(end.rollback?.gates));
    assert.ok(end.rollback.servers.length > 0 && end.rollback.servers.every((u) => u.step === 'done' && u.to === built.patched), JSON.stringify(end.rollback.servers));
    const names = [...before.keys()];
    const v = await versions(cl, names);
    for (const n of names) assert.equal(v[n], built.patched.replace(/^v/, ''), `${n} is back on the baseline`);
    const moved = end.stages.flatMap((s) => s.servers.filter((u) => u.step !== 'pending').map((u) => u.server));
    // The rollback ran the same hooks toward the baseline: a second start log for every moved server.
    const logs = readdirSync(path.join(end.runDir, 'hooks'));
    for (const n of moved) assert.ok(logs.includes(`${n}.start.2.log`), `${n}'s rollback start in ${logs.join(', ')}`);
    leftAsFound(cl, before, moved, end);
    process.stderr.write(`    (patched → stock, rolled back ${moved.length}: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });

  it('external rollout - a start hook that exits 1 fails the canary\'s upgrade, named in the message, and the rollback brings it back on the baseline', async () => {
    const t0 = Date.now();
    // The system password comes from an environment variable here: a hook must not inherit it.
    const cl = await cluster(built.stock, 25200, 'env');
    const before = cl.pids();
    const file = examplePlaybook(work, cl.clusterFile, (pb) => {
      // Refuses to start the target (as a host without its binary would), starts anything else.
      pb.hooks.start.argv = ['sh', '-c', 'echo "password variable: ${' + cl.passwordEnv + ':-not inherited}"; if [ "$1" = "' + built.patched + '" ]; then echo "no binary for $1 on this host" >&2; exit 1; fi; exec ./hooks/supervise.sh start "$0" "$1"', '{server}', '{variant}'];
      pb.stages = [{ kind: 'canary', server: 'iad-2', upgrade: { lameDuck: { enabled: false } }, soakSeconds: 3, gates: [{ threshold: 'recovery.noneStuck' }] }, { kind: 'global', upgrade: { lameDuck: { enabled: false } }, soakSeconds: 3 }];
    });
    // First, a playbook whose baseline the servers do not run is refused before anything moves.
    const wrong = parse(readFileSync(file, 'utf8')) as PlaybookDoc;
    wrong.baseline = 'patched';
    wrong.target = 'stock';
    const c = new RolloutController({ progress: silentProgress, runsDir: runs });
    await assert.rejects(c.start({ playbook: stringify(wrong), source: file }), (err: Error) => {
      assert.ok(err instanceof BadInputError, String(err));
      assert.match(err.problems.join('\n'), /^baseline: iad-1 reports version 2\.10\.14; every server must run v2\.10\.14\+brownout \(version 2\.10\.14\+brownout\) before a rollout$/m);
      return true;
    });
    await c.close();
    const end = await run(file);
    assert.equal(end.phase, 'rolled-back', end.message);
    assert.match(end.message, /hook start failed for iad-2: exited with code 1 after [\d.]+ s; last output: no binary for v2\.10\.14\+brownout on this host \(output in .*iad-2\.start\.1\.log\)/);
    const canary = end.stages[0]!.servers[0]!;
    assert.equal(canary.step, 'failed');
    assert.equal(end.stages[1]!.phase, 'pending', 'the global stage never started');
    assert.deepEqual(end.rollback?.servers.map((u) => [u.server, u.step]), [['iad-2', 'done']]);
    const v = await versions(cl, [...before.keys()]);
    for (const [n, version] of Object.entries(v)) assert.equal(version, built.stock.replace(/^v/, ''), `${n} runs the baseline`);
    leftAsFound(cl, before, ['iad-2'], end);
    const startLog = readFileSync(path.join(end.runDir, 'hooks', 'iad-2.start.1.log'), 'utf8');
    assert.match(startLog, /password variable: not inherited/);
    const grep = spawnSync('grep', ['-rl', '--', cl.systemPassword, end.runDir], { encoding: 'utf8' });
    assert.equal(grep.status, 1, `the password is nowhere in the run folder (found in: ${grep.stdout})`);
    process.stderr.write(`    (start hook exits 1: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });

  it('external rollout - an upgrade hook that exits 0 but leaves a server on another version than expectVersion fails the step by the /varz check and rolls back through the same hook', async () => {
    const t0 = Date.now();
    const cl = await cluster(built.stock, 25400);
    const before = cl.pids();
    const file = examplePlaybook(work, cl.clusterFile, (pb) => {
      // The patched build reports 2.10.14+brownout: a playbook expecting another version must fail the move.
      pb.expectVersion = { patched: '2.10.99' };
      // The one-command form: `upgrade` stops, swaps and starts (the rollback runs it too).
      pb.hooks = { upgrade: { argv: ['sh', '-c', './hooks/supervise.sh stop "$0" && exec ./hooks/supervise.sh start "$0" "$1"', '{server}', '{variant}'], timeoutSeconds: 30 } };
      pb.stages = [{ kind: 'canary', server: 'lhr-3', upgrade: { lameDuck: { enabled: false } }, soakSeconds: 2, gates: [{ threshold: 'recovery.noneStuck' }] }];
    });
    const end = await run(file);
    assert.equal(end.phase, 'rolled-back', end.message);
    assert.match(end.message, /upgrade of lhr-3 failed \(lhr-3 was started as v2\.10\.14\+brownout by the start hook but its \/varz reports version 2\.10\.14\+brownout, not 2\.10\.99\)/);
    assert.deepEqual(end.rollback?.servers.map((u) => [u.server, u.step]), [['lhr-3', 'done']]);
    assert.deepEqual(readdirSync(path.join(end.runDir, 'hooks')).sort(), ['lhr-3.upgrade.1.log', 'lhr-3.upgrade.2.log'], 'the move and its rollback, each one upgrade command');
    const v = await versions(cl, ['lhr-3']);
    assert.equal(v['lhr-3'], built.stock.replace(/^v/, ''), 'lhr-3 is back on the baseline');
    leftAsFound(cl, before, ['lhr-3'], end);
    process.stderr.write(`    (version check fails: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });

  it('external rollout - a controller stopped mid-rollout: the next one attaches again, starts through the start hook a server found stopped (on the variant rollout.json says), and completes', async () => {
    const t0 = Date.now();
    const cl = await cluster(built.stock, 25300);
    const before = cl.pids();
    const file = examplePlaybook(work, cl.clusterFile, (pb) => {
      pb.stages = [
        { kind: 'canary', server: 'iad-1', upgrade: { lameDuck: { enabled: false } }, soakSeconds: 3, gates: [{ threshold: 'recovery.noneStuck' }] },
        { kind: 'global', upgrade: { batchSize: 8, lameDuck: { enabled: false } }, soakSeconds: 2, gates: [{ threshold: 'recovery.noneStuck' }] },
      ];
    });
    const c1 = new RolloutController({ progress: silentProgress, runsDir: runs });
    const started = await c1.start({ playbook: readFileSync(file, 'utf8'), source: file });
    const end1 = Date.now() + 60_000;
    while (c1.get(started.id).stages[0]!.phase !== 'soaking') {
      assert.ok(Date.now() < end1, `the canary did not reach its soak: ${c1.get(started.id).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await c1.close();
    const mid = c1.get(started.id);
    assert.equal(mid.phase, 'progressing', mid.message);
    // Meanwhile the canary goes down (as after a crash between its start and the next controller).
    await cl.script$('stop', 'iad-1');
    const c2 = new RolloutController({ progress: silentProgress, runsDir: runs });
    try {
      assert.deepEqual(await c2.recover(), [started.id]);
      const end = await c2.settled(started.id);
      assert.equal(end.phase, 'succeeded', end.message);
      const v = await versions(cl, [...before.keys()]);
      for (const [n, version] of Object.entries(v)) assert.equal(version, built.patched.replace(/^v/, ''), `${n} runs the target`);
      const logs = readdirSync(path.join(end.runDir, 'hooks'));
      assert.ok(logs.includes('iad-1.start.2.log'), `the resuming controller started iad-1 again through its hook: ${logs.join(', ')}`);
      assert.match(readFileSync(path.join(end.runDir, 'hooks', 'iad-1.start.2.log'), 'utf8'), /iad-1 started on v2\.10\.14\+brownout/);
      leftAsFound(cl, before, [...before.keys()], end);
    } finally {
      await c2.close();
    }
    process.stderr.write(`    (stopped and resumed: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  });
});

describe('rollout --dry-run and bad hooks (no cluster)', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-ext-dry-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A cluster file for nine servers nobody runs: the dry run reads names, regions and hosts only. */
  function clusterFile(): string {
    const servers = ['iad', 'lhr', 'syd'].flatMap((r, i) => [1, 2, 3].map((n) => {
      const port = 25900 + 4 * (i * 3 + n - 1);
      return `  - { name: ${r}-${n}, region: ${r}, host: ${r}-host-${n}.example, monitorUrl: "http://127.0.0.1:${port + 3}", clientUrl: "nats://127.0.0.1:${port}" }`;
    }));
    const file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, `name: nowhere\nservers:\n${servers.join('\n')}\nsystem: { user: sys, password: unused }\nlameDuck: { durationSeconds: 30, graceSeconds: 1 }\n`);
    return file;
  }

  it('external rollout - --dry-run prints every hook command filled, per stage and batch in the planned order, then the rollback\'s; runs none, starts nothing', async () => {
    const file = examplePlaybook(dir, clusterFile(), (pb) => {
      // Each hook would leave a file behind if it ran.
      for (const h of ['lameDuck', 'stop', 'start']) pb.hooks[h].argv = ['touch', `ran-${h}-{server}-{variant}`, '{host}', '{region}', '{version}'];
    });
    const lines: string[] = [];
    const code = await rolloutStart({ playbook: file, dryRun: true, write: (l) => lines.push(l), controllerFile: path.join(dir, 'runs', '.controller.json') });
    assert.equal(code, 0);
    const out = lines.join('\n');
    assert.deepEqual(readdirSync(dir).sort(), ['cluster.yaml', 'hooks', 'playbook.yaml'], 'no hook ran, no controller or run folder was made');
    // The order planRollout gives: the seeded canary in iad, the rest of iad, then every other server.
    const stageLines = lines.filter((l) => l.startsWith('stage '));
    assert.deepEqual(stageLines.map((l) => l.split(':')[0]), ['stage 1/3 canary (canary)', 'stage 2/3 region (region)', 'stage 3/3 global (global)']);
    const order = [...out.matchAll(/^ {4}(\S+) \(\w+, host \S+\): v2\.10\.14 → v2\.10\.14\+brownout$/gm)].map((m) => m[1]!);
    assert.equal(order.length, 9, out);
    assert.ok(order.slice(0, 3).every((n) => n.startsWith('iad-')), `canary and region stay in iad: ${order.join(', ')}`);
    const canary = order[0]!;
    const host = `${canary.replace(/-(\d)$/, '-host-$1')}.example`;
    // Each hook with its arguments filled, lame duck on the running variant, start on the target.
    const at = (s: string) => out.indexOf(s);
    const ldm = at(`lameDuck [timeout 10 s] touch ran-lameDuck-${canary}-v2.10.14 ${host} iad 2.10.14`);
    const stop = at(`stop     [timeout 20 s] touch ran-stop-${canary}-v2.10.14 ${host} iad 2.10.14`);
    const start = at(`start    [timeout 20 s] touch ran-start-${canary}-v2.10.14+brownout ${host} iad 2.10.14+brownout`);
    assert.ok(ldm > 0 && ldm < stop && stop < start, out);
    // The global stage upgrades without lame duck: no lameDuck command there.
    const global = out.slice(at('stage 3/3'), at('rollback'));
    assert.doesNotMatch(global, /lameDuck \[/);
    // The rollback: every server, newest first, back to the baseline through the same hooks.
    const rollback = out.slice(at('rollback'));
    const back = [...rollback.matchAll(/^ {2}(\S+) \(\w+, host \S+\): v2\.10\.14\+brownout → v2\.10\.14$/gm)].map((m) => m[1]!);
    assert.deepEqual(back, [...order].reverse());
    assert.ok(rollback.includes(`start    [timeout 20 s] touch ran-start-${canary}-v2.10.14 ${host} iad 2.10.14`), rollback);
  });

  it('external rollout - bad hooks exit 2 from the command line, every problem with its path; nothing is contacted', async () => {
    const file = examplePlaybook(dir, clusterFile(), (pb) => {
      pb.hooks.start.argv = ['./hooks/supervise.sh', 'start', '{server}', '{varient}'];
      pb.hooks.stop.argv = [];
      pb.hooks.lameDuck.timeoutSeconds = 0;
    });
    const r = runScript('harness/cli/main.ts', ['rollout', 'start', file, '--dry-run'], { ...process.env, BROWNOUT_RUNS_DIR: path.join(dir, 'runs') }, 60_000);
    assert.equal(r.status, 2, r.stderr);
    for (const p of ['hooks.start.argv[3]: unknown placeholder {varient}', 'hooks.stop.argv: at least the program to run', 'hooks.lameDuck.timeoutSeconds: more than 0 seconds']) {
      assert.ok(r.stderr.includes(`  - ${p}`), `${p} missing:\n${r.stderr}`);
    }
    assert.equal(existsSync(path.join(dir, 'runs')), false, 'no controller, no run folder');
    // Hooks on a cluster brownout boots are refused too (in-process: the same BadInputError, exit 2).
    const own = examplePlaybook(dir, clusterFile(), (pb) => { pb.cluster = { preset: 'three-regions' }; });
    await assert.rejects(rolloutStart({ playbook: own, controllerFile: path.join(dir, 'runs', '.controller.json'), write: () => {} }), (err: Error) => {
      assert.equal(exitCodeOf(err), EXIT.badInput);
      assert.ok((err as BadInputError).problems.some((p) => p.startsWith('hooks: hooks move servers of an external cluster')), String((err as BadInputError).problems));
      return true;
    });
    assert.equal(existsSync(path.join(dir, 'runs')), false, 'no controller, no run folder');
  });
});
