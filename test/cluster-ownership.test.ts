// Issue 18: touch only what is ours. `clean` and `cluster down` run as a user runs them (child
// processes, their own runs folder) against a real local cluster whose owner is alive, then gone;
// a `tail -f` on a run's log is never signalled; bad ids and bad state files are refused by name.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processIdentity, sameProcess, type ProcessIdentity } from '../core/process-identity.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { runScript } from './support/run-script.ts';
import { ensureBuilt } from './support/build.ts';

const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => runScript('harness/cli/main.ts', ['cluster', ...args], env, 120_000);
const clean = (env: NodeJS.ProcessEnv) => runScript('scripts/clean.ts', [], env, 120_000);

/** A fixture harness owning a detached local cluster (test/owned-cluster-fixture.ts). */
async function ownerWithCluster(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; runId: string; runDir: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'owned-cluster-fixture.ts')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const ready = new Promise<{ runId: string; runDir: string }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ runId: m[1]!, runDir: m[2]! });
    });
    child.on('exit', (code) => reject(new Error(`fixture exited with ${code} before READY: ${out}`)));
  });
  const deadline = sleep(150_000).then(() => { throw new Error(`fixture not READY after 150000ms: ${out}`); });
  return { child, ...(await Promise.race([ready, deadline])) };
}

/** `tail -f` on a file of the run: mentions the run folder on its command line, and is not ours. */
async function tailOf(file: string): Promise<{ child: ChildProcess; id: ProcessIdentity }> {
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file)) writeFileSync(file, '');
  const child = spawn('tail', ['-f', file], { stdio: 'ignore' });
  const until = Date.now() + 5000;
  for (;;) {
    const id = processIdentity(child.pid!);
    if (id && id.exe.endsWith('/tail')) return { child, id };
    if (Date.now() > until) throw new Error(`tail -f ${file} not running after 5000ms`);
    await sleep(20);
  }
}

/** True when something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.setTimeout(2000, () => { sock.destroy(); resolve(false); });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

/** Every port a local cluster's state file names (servers' listeners and proxies, Toxiproxy's API). */
function portsOf(stateFile: string): number[] {
  const s = JSON.parse(readFileSync(stateFile, 'utf8')) as { local: { toxiproxy: { apiUrl: string }; servers: Record<string, { ports: Record<string, number> }> } };
  return [Number(new URL(s.local.toxiproxy.apiUrl).port), ...Object.values(s.local.servers).flatMap((x) => Object.values(x.ports))];
}

const recorded = (stateFile: string): ProcessIdentity[] => {
  const s = JSON.parse(readFileSync(stateFile, 'utf8')) as { local: { toxiproxy: { identity: ProcessIdentity }; servers: Record<string, { identity: ProcessIdentity }> } };
  return [s.local.toxiproxy.identity, ...Object.values(s.local.servers).map((x) => x.identity)];
};

describe('cluster ownership', function () {
  this.timeout(300_000);
  let runs: string;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  before(async function () {
    this.timeout(600_000);
    await ensureBuilt();
  });
  beforeEach(() => {
    runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-owners-'));
    env = { ...process.env, BROWNOUT_RUNS_DIR: runs };
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const left = clean(env);
    rmSync(runs, { recursive: true, force: true });
    assert.equal(left.status, 0, left.stdout + left.stderr);
  });

  it('ownership - clean and down leave a cluster whose owner runs; once the owner is gone down removes it, and a tail on its log survives', async () => {
    const owner = await ownerWithCluster(env);
    children.push(owner.child);
    const stateFile = path.join(runs, '.clusters', `${owner.runId}.json`);
    const c = clean(env);
    assert.equal(c.status, 0, c.stdout + c.stderr);
    assert.match(c.stdout, new RegExp(`skipped ${owner.runId} \\(owner pid ${owner.child.pid} is still running \\(detached`));
    assert.ok(existsSync(stateFile), 'clean kept the state file');
    const ours = recorded(stateFile);
    assert.equal(ours.filter(Boolean).length, 3, 'toxiproxy and two servers recorded by identity');
    assert.deepEqual(ours.filter((p) => !sameProcess(p)), [], 'clean signalled none of its processes');

    const anyDown = cli(env, 'down');
    assert.equal(anyDown.status, 2, anyDown.stdout + anyDown.stderr);
    assert.match(anyDown.stderr, new RegExp(`every cluster is in use[\\s\\S]*${owner.runId} \\(in use by pid ${owner.child.pid}\\)`));
    const named = cli(env, 'down', '--run', owner.runId);
    assert.equal(named.status, 2, named.stdout + named.stderr);
    assert.match(named.stderr, new RegExp(`cluster ${owner.runId} is in use: owner pid ${owner.child.pid} is still running`));
    assert.deepEqual(ours.filter((p) => !sameProcess(p)), [], 'down signalled none of its processes');

    const tail = await tailOf(path.join(owner.runDir, 'logs', 'iad-1.log'));
    children.push(tail.child);
    owner.child.kill('SIGKILL');
    await once(owner.child, 'exit');
    const down = cli(env, 'down');
    assert.equal(down.status, 0, down.stdout + down.stderr);
    assert.match(down.stdout, new RegExp(`run ${owner.runId} \\(local\\): removed process`));
    assert.deepEqual(ours.filter(sameProcess), [], 'every process of the run is gone');
    assert.ok(!existsSync(stateFile), 'state file removed');
    assert.ok(sameProcess(tail.id), 'the tail -f on its log still runs');
  });

  it('ownership - cluster down signals no process that merely names the run folder', async () => {
    // A state file of a run whose owner is gone and whose processes all ended; a user tails its log.
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await once(dead, 'exit');
    const runId = 'owners-tail-1';
    const runDir = path.join(runs, runId, 'cluster');
    const tail = await tailOf(path.join(runDir, 'logs', 'iad-1.log'));
    children.push(tail.child);
    mkdirSync(path.join(runs, '.clusters'), { recursive: true });
    writeFileSync(path.join(runs, '.clusters', `${runId}.json`), JSON.stringify({
      runId, backend: 'local', runDir, createdAt: new Date().toISOString(), ownerPid: dead.pid, detached: true,
      topology: { variant: 'v2.10.14', regions: [{ name: 'iad', servers: 1 }], variants: {}, ports: { client: 4222, cluster: 6222, gateway: 7222, monitor: 8222 }, ping: { interval: '1s', max: 2 } },
      secrets: { system: { user: 'sys', password: 'x' }, app: { user: 'app', password: 'y' } },
      endpoints: [], local: { toxiproxy: { pid: dead.pid, apiUrl: 'http://127.0.0.1:1' }, servers: {} },
    }));
    const down = cli(env, 'down', '--run', runId);
    assert.equal(down.status, 0, down.stdout + down.stderr);
    assert.ok(sameProcess(tail.id), `cluster down signalled the tail -f on the run's log:\n${down.stdout}`);
    assert.ok(!existsSync(path.join(runs, '.clusters', `${runId}.json`)));
  });

  it('ownership - crash: a chaos run SIGKILLed with a fault applied leaves nothing of its own after clean; another owner\'s live cluster and a tail on its log are untouched', async () => {
    const other = await ownerWithCluster(env);
    children.push(other.child);
    const otherState = path.join(runs, '.clusters', `${other.runId}.json`);
    const otherProcs = recorded(otherState);
    const tail = await tailOf(path.join(other.runDir, 'logs', 'lhr-1.log'));
    children.push(tail.child);

    // The harness process itself (the tsx CLI would run it in a child of its own and outlive nothing).
    const chaos = spawn(process.execPath, ['--import', 'tsx', 'harness/cli/main.ts', 'chaos', 'partition', '--backend', 'local', '--regions', 'iad,lhr,syd', '--servers', '1', '--seed', '3', '--metrics-port', 'off'], { cwd: REPO_ROOT, env, stdio: 'ignore' });
    children.push(chaos);
    // Killed once its timeline says the partition is applied: a booted cluster with a fault on it.
    let runId: string | undefined;
    const until = Date.now() + 150_000;
    while (!runId) {
      if (chaos.exitCode !== null) throw new Error(`chaos exited with ${chaos.exitCode} before its fault was applied`);
      if (Date.now() > until) throw new Error('no fault applied in a chaos timeline after 150000ms');
      runId = readdirSync(runs).find((d) => d !== other.runId && existsSync(path.join(runs, d, 'timeline.ndjson'))
        && /"kind":"fault"[^\n]*"phase":"applied"/.test(readFileSync(path.join(runs, d, 'timeline.ndjson'), 'utf8')));
      await sleep(200);
    }
    const stateFile = path.join(runs, '.clusters', `${runId}.json`);
    const procs = recorded(stateFile);
    const ports = portsOf(stateFile);
    chaos.kill('SIGKILL');
    await once(chaos, 'exit');
    assert.equal(procs.filter(sameProcess).length, 4, 'the killed run left its toxiproxy and three servers running');

    const c = clean(env);
    assert.equal(c.status, 0, c.stdout + c.stderr);
    assert.match(c.stdout, new RegExp(`removed ${runId}: process`));
    assert.deepEqual(procs.filter(sameProcess), [], 'no process of the killed run is left');
    assert.ok(!existsSync(stateFile), 'its state file is gone');
    const open = (await Promise.all(ports.map(async (p) => ((await listening(p)) ? p : undefined)))).filter((p) => p !== undefined);
    assert.deepEqual(open, [], 'none of its ports answers');

    assert.match(c.stdout, new RegExp(`skipped ${other.runId} \\(owner pid ${other.child.pid} is still running`));
    assert.deepEqual(otherProcs.filter((p) => !sameProcess(p)), [], "the other owner's cluster still runs");
    assert.ok(existsSync(otherState));
    assert.ok(sameProcess(tail.id), 'the tail -f on its log still runs');
    other.child.kill('SIGKILL');
    await once(other.child, 'exit');
  });

  it('ownership - a bad run id is exit 2 and a bad state file exit 3 naming the file; clean keeps it and says so', () => {
    for (const args of [['status', '--run', '../x'], ['down', '--run', '../x'], ['up', '--backend', 'local', '--run-id', '../x']]) {
      const r = cli(env, ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /bad run id in --run(-id)?[\s\S]*"\.\.\/x" is not a run id/, args.join(' '));
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    }
    const file = path.join(runs, '.clusters', 'broken-1.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"runId": "broken-1", "endpoints": 3}');
    const status = cli(env, 'status', '--run', 'broken-1');
    assert.equal(status.status, 3, status.stdout + status.stderr);
    assert.ok(status.stderr.includes(`state file ${file} is unreadable or invalid`), status.stderr);
    assert.match(status.stderr, /endpoints: /);
    const c = clean(env);
    assert.equal(c.status, 3, c.stdout + c.stderr);
    assert.ok(c.stdout.includes(`kept state file ${file}`), c.stdout);
    assert.ok(existsSync(file));
    rmSync(file);
  });
});
