// `brownout watch` on super-clusters a plain shell script started (test/support/external-cluster.sh:
// its own configs and pids, no state of brownout's), run as a user runs it (the CLI in a process of
// its own): --fail-fast exits 1 within 10 s of a mass restart someone else does on a stock cluster,
// naming statsz.maxPerServerPerSecond; a quiet patched cluster passes, for a duration and until
// Ctrl-C. Afterwards every server the script started still runs, and brownout left nothing behind.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../core/layout.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { runScript } from './support/run-script.ts';
import { startScriptCluster, type ScriptCluster } from './support/external-cluster.ts';

interface WatchProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `re` in the output, or rejects after `ms`. */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray>;
  /** Exit code and when it exited (ms epoch). */
  exited: Promise<{ code: number | null; at: number }>;
}

function startWatch(args: string[], runsDir: string): WatchProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'harness', 'cli', 'main.ts'), 'watch', ...args], {
    cwd: REPO_ROOT, env: { ...process.env, BROWNOUT_RUNS_DIR: runsDir }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const waitFor = async (re: RegExp, ms: number): Promise<RegExpMatchArray> => {
    const until = Date.now() + ms;
    for (;;) {
      const m = out.match(re);
      if (m) return m;
      if (child.exitCode !== null || Date.now() > until) throw new Error(`watch did not print ${re} within ${ms} ms (exit ${child.exitCode}):\n${out}`);
      await sleep(100);
    }
  };
  return { child, output: () => out, waitFor, exited };
}

/** The exit, or the process killed and an error after `ms`. */
async function exitWithin(w: WatchProcess, ms: number): Promise<{ code: number | null; at: number }> {
  const timer = setTimeout(() => w.child.kill('SIGKILL'), ms);
  try {
    const r = await w.exited;
    assert.notEqual(r.code, null, `watch did not exit within ${ms} ms:\n${w.output()}`);
    return r;
  } finally {
    clearTimeout(timer);
  }
}

/** The run folder a watch printed, with the files a chaos run writes. */
function runFolderOf(out: string): string {
  const m = out.match(/results: (\S+)\/ \(summary\.md/);
  assert.ok(m, `no results line:\n${out}`);
  for (const f of ['timeline.ndjson', 'summary.json', 'summary.md', 'junit.xml', 'report.html']) assert.ok(existsSync(path.join(m[1]!, f)), `${f} missing in ${m[1]}`);
  return m[1]!;
}

/** Nothing of brownout's: no state file, no process of ours running, the password in no file of the run. */
function assertNothingLeft(runsDir: string, runDir: string, c: ScriptCluster): void {
  const states = path.join(runsDir, '.clusters');
  assert.deepEqual(existsSync(states) ? readdirSync(states) : [], [], 'no cluster state file for a cluster brownout only watched');
  const ours = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return cmd.includes('watch') && cmd.includes(c.clusterFile);
    } catch {
      return false;
    }
  });
  assert.deepEqual(ours, [], 'no watch process of this cluster left');
  for (const f of readdirSync(runDir, { recursive: true }) as string[]) {
    const file = path.join(runDir, f);
    if (existsSync(file) && !readdirSync(runDir, { withFileTypes: true }).some((d) => d.name === f && d.isDirectory())) {
      assert.ok(!readFileSync(file, 'utf8').includes(c.systemPassword), `${f} holds the system password`);
    }
  }
}

function summaryOf(runDir: string): { pass: boolean; verdict: { results: { name: string; status: string; observedValue: number | null }[] } } {
  return JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
}

describe('watch - brownout watch on a cluster a shell script started', function () {
  this.timeout(180_000);
  let built: Built;
  let runsDir: string;

  before(async () => {
    built = await ensureBuilt();
    runsDir = mkdtempSync(path.join(os.tmpdir(), 'brownout-watch-runs-'));
  });
  after(() => rmSync(runsDir, { recursive: true, force: true }));

  it('watch - bad flags: exit 2 with every problem at once, before attaching, and no run folder', () => {
    const r = runScript('harness/cli/main.ts', ['watch', '--attach', 'external:/nonexistent/cluster.yaml', '--window', '2s', '--duration', 'soon', '--metrics-port', '99999', '--threshold', 'statsz.nope=1'], { ...process.env, BROWNOUT_RUNS_DIR: runsDir }, 60_000);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^bad input: watch: \d+ problems, nothing started$/m);
    for (const flag of ['--attach', '--window', '--duration', '--metrics-port', 'statsz.nope']) assert.match(r.stderr, new RegExp(`^ {2}- .*${flag.replace('.', '\\.')}`, 'm'), flag);
    assert.doesNotMatch(r.stderr, /    at /, 'no stack');
    assert.deepEqual(readdirSync(runsDir), [], 'no run folder');
  });

  it('watch - --fail-fast on a stock 3×3 exits 1 within 10 s of a scripted mass restart, naming statsz.maxPerServerPerSecond', async () => {
    const c = await startScriptCluster({ variant: built.stock, basePort: 26000 });
    try {
      // A running cluster, not one still booting: a stock build's boot storm (one STATSZ per server it
      // discovers) is what the watch catches, so it starts once the mesh is whole and the storm is over.
      await c.waitMeshed();
      await sleep(2000);
      // No probe: a circuit breaker that only reads (monitoring and STATSZ) stops faster, without the probe's settle.
      const w = startWatch(['--attach', `external:${c.clusterFile}`, '--fail-fast', '--no-probe', '--duration', '90s', '--metrics-port', '0'], runsDir);
      const [, url] = await w.waitFor(/metrics: (http:\/\/\S+)/, 30_000);
      await w.waitFor(/watching 9 servers/, 30_000);
      // The scenario's quiet stretch: the watch judges a running cluster clean before anyone touches it.
      await sleep(4000);
      assert.doesNotMatch(w.output(), /FAIL/, `clean before the restart:\n${w.output()}`);
      const metrics = await (await fetch(url!)).text();
      assert.match(metrics, /brownout_route_connections_up\{server="iad-1",region="iad"\} 2/);
      // Someone else's deploy tooling restarts every server at once.
      const t0 = Date.now();
      await Promise.all(c.servers.map(async (s) => {
        await c.script$('stop', s.name);
        await c.script$('start', s.name, built.stock);
      }));
      const { code, at } = await exitWithin(w, 30_000);
      const out = w.output();
      assert.equal(code, 1, out);
      assert.ok(at - t0 < 10_000, `exited ${at - t0} ms after the restart began:\n${out}`);
      assert.match(out, /watch: --fail-fast: statsz\.maxPerServerPerSecond \(\d+ msgs\/s/);
      const runDir = runFolderOf(out);
      const s = summaryOf(runDir);
      assert.equal(s.pass, false);
      const peak = s.verdict.results.find((r) => r.name === 'statsz.maxPerServerPerSecond')!;
      assert.equal(peak.status, 'fail');
      assert.ok(peak.observedValue! > 3, `peak ${peak.observedValue}`);
      assert.match(readFileSync(path.join(runDir, 'junit.xml'), 'utf8'), /statsz\.maxPerServerPerSecond/);
      assert.deepEqual([...c.pids().keys()].sort(), c.servers.map((x) => x.name).sort(), 'every server the script started runs');
      assertNothingLeft(runsDir, runDir, c);
      process.stdout.write(`      stock mass restart: watch exited ${at - t0} ms after it began, peak ${peak.observedValue} msgs/s\n`);
    } finally {
      await c.stop();
    }
  });

  describe('watch - a quiet patched 3×3', () => {
    let c: ScriptCluster;
    let pidsBefore: Map<string, number>;
    before(async () => {
      c = await startScriptCluster({ variant: built.patched, basePort: 26100 });
      await c.waitMeshed();
      pidsBefore = c.pids();
    });
    after(async () => c?.stop());

    it('watch - passes for a 20 s duration (--fail-fast does not trip): exit 0, run folder written', async () => {
      const w = startWatch(['--attach', `external:${c.clusterFile}`, '--fail-fast', '--duration', '20s', '--metrics-port', 'off'], runsDir);
      const { code } = await exitWithin(w, 90_000);
      const out = w.output();
      assert.equal(code, 0, out);
      assert.match(out, /ended by duration: PASS/);
      const runDir = runFolderOf(out);
      const s = summaryOf(runDir);
      assert.equal(s.pass, true);
      const peak = s.verdict.results.find((r) => r.name === 'statsz.maxPerServerPerSecond')!;
      assert.equal(peak.status, 'pass');
      assert.ok(peak.observedValue! <= 3);
      assert.deepEqual(c.pids(), pidsBefore, 'every server still runs, under the pid the script gave it');
      assertNothingLeft(runsDir, runDir, c);
    });

    it('watch - without --duration, Ctrl-C ends the watch and judges what was seen: exit 0 on a clean watch', async () => {
      const w = startWatch(['--attach', `external:${c.clusterFile}`, '--metrics-port', 'off', '--no-probe'], runsDir);
      await w.waitFor(/watching 9 servers .* until Ctrl-C/, 30_000);
      await sleep(4000); // the watch
      w.child.kill('SIGINT');
      const { code } = await exitWithin(w, 30_000);
      const out = w.output();
      assert.equal(code, 0, out);
      assert.match(out, /ended by signal: PASS/);
      const runDir = runFolderOf(out);
      assert.equal(summaryOf(runDir).pass, true);
      assert.deepEqual(c.pids(), pidsBefore);
      assertNothingLeft(runsDir, runDir, c);
    });
  });
});
