import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, RUNS_DIR } from '../core/layout.ts';
import { ensureBuilt } from './support/build.ts';
import { runScript } from './support/run-script.ts';

const chaos = (...args: string[]) => runScript('harness/cli/main.ts', ['chaos', ...args], process.env, 120_000);

describe('chaos inputs', function () {
  this.timeout(300_000);

  it('chaos - an unknown scenario lists the known ones (exit 2)', () => {
    const r = chaos('earthquake');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown scenario "earthquake"/);
    assert.match(r.stderr, /one of packet-loss, partition, latency, mass-restart, rolling-restart, statsz-storm, route-auth, route-flap, route-flap-seed, route-dns, storm-at-scale, kill, pause/);
    assert.doesNotMatch(r.stderr, /    at /);
  });

  it('chaos - a malformed threshold file names the file and every problem (exit 2)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-thr-'));
    try {
      const bad = path.join(dir, 'thresholds.json');
      writeFileSync(bad, JSON.stringify({ statsz: { maxPerServerPerSecond: 'four' }, recovery: { maxSeconds: -1 }, colour: 'red' }));
      const r = chaos('packet-loss', '--thresholds', bad);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(bad.replace(/[.]/g, '\\.')));
      assert.match(r.stderr, /statsz\.maxPerServerPerSecond/);
      assert.match(r.stderr, /recovery\.maxSeconds/);
      assert.match(r.stderr, /colour: unknown key/);
      writeFileSync(bad, '{ not json');
      const r2 = chaos('packet-loss', '--thresholds', bad);
      assert.equal(r2.status, 2, r2.stderr);
      assert.match(r2.stderr, /not JSON/);
      const r3 = chaos('packet-loss', '--threshold', 'statsz.nonsense=3');
      assert.equal(r3.status, 2, r3.stderr);
      assert.match(r3.stderr, /statsz\.nonsense: unknown key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chaos/gate - with --patches, a bad threshold is refused before anything builds; --patches with --compare or --attach is refused (exit 2)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-patches-'));
    try {
      writeFileSync(path.join(dir, '0001-x.patch'), 'not a patch; never built here\n');
      for (const r of [chaos('packet-loss', '--patches', dir, '--threshold', 'statsz.nonsense=3'),
        runScript('harness/cli/main.ts', ['gate', '--patches', dir, '--threshold', 'statsz.nonsense=3'], process.env, 120_000)]) {
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, /statsz\.nonsense: unknown key/);
        assert.doesNotMatch(r.stdout + r.stderr, /\[build\]/, 'nothing was built');
      }
      const both = chaos('packet-loss', '--patches', dir, '--compare', 'stock,patched', '--attach', 'latest');
      assert.equal(both.status, 2, both.stderr);
      assert.match(both.stderr, /--patches: not with --compare/);
      assert.match(both.stderr, /--patches: not with --attach/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('chaos - an impossible topology is rejected with the path of every problem (exit 2)', () => {
    const r = chaos('partition', '--regions', 'iad,IAD,x', '--servers', '0');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /topology\.regions\[1\]\.name/);
    assert.match(r.stderr, /topology\.regions\[2\]\.name/);
    assert.match(r.stderr, /topology\.regions\[0\]\.servers/);
  });

  it('chaos - a variant that is not built is refused with the list of built ones (exit 2)', async () => {
    await ensureBuilt();
    const r = chaos('partition', '--variant', 'v2.10.14+nosuch-0badc0de');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /variant "v2\.10\.14\+nosuch-0badc0de" is not built/);
    assert.match(r.stderr, /built variants are .*v2\.10\.14\+brownout/);
  });

  it('chaos - Ctrl-C in the middle of a run leaves nothing running and keeps partial results marked incomplete', async () => {
    await ensureBuilt();
    const before = new Set(existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR) : []);
    const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const child = spawn(process.execPath, [tsx, 'harness/cli/main.ts', 'chaos', 'partition', '--backend', 'local', '--seed', '7', '--metrics-port', '0'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!/step 2\/2: partition syd/.test(out)) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        assert.fail(`the run did not reach its partition step within 120000ms; output:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    assert.equal(code, 130, out);
    const runs = readdirSync(RUNS_DIR).filter((d) => !before.has(d) && d.endsWith('-partition'));
    assert.equal(runs.length, 1, `one new run folder: ${runs.join(', ')}`);
    const runDir = path.join(RUNS_DIR, runs[0]!);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { incomplete: boolean };
    assert.equal(summary.incomplete, true);
    assert.ok(existsSync(path.join(runDir, 'timeline.ndjson')));
    assert.ok(existsSync(path.join(runDir, 'junit.xml')));
    const left = spawnSync('pgrep', ['-af', runDir], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', `processes of the run still running:\n${left}`);
  });
});
