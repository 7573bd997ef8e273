import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, TOXIPROXY_VERSION } from '../core/layout.ts';
import { skipBecause } from './support/skip.ts';

// Two builds of one variant at once in a build folder of their own (never the shared one): the
// second waits for the first (saying so) and reuses its result instead of racing it on work/<name>.
// Toxiproxy builds in seconds from a warm Go cache; the fixture holds its build open for 2 s.

interface Child {
  proc: ChildProcess;
  out: string[];
  exit: Promise<number | null>;
}

function startBuild(buildDir: string): Child {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const proc = spawn(process.execPath, [tsx, path.join(REPO_ROOT, 'test', 'build-lock-fixture.ts')], {
    cwd: REPO_ROOT, env: { ...process.env, BROWNOUT_BUILD_DIR: buildDir }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    out.push(...lines);
  });
  proc.stderr!.on('data', (d: Buffer) => out.push(...d.toString().split('\n').filter(Boolean).map((l) => `stderr ${l}`)));
  return { proc, out, exit: new Promise((resolve) => proc.on('exit', (code) => resolve(code))) };
}

async function until(what: string, deadlineMs: number, done: () => boolean): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what} not seen after ${deadlineMs}ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function resultOf(c: Child): { fromCache: boolean; binarySha256: string } {
  const line = c.out.find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no RESULT line from a build: ${c.out.join(' | ')}`);
  return JSON.parse(line.slice('RESULT '.length)) as { fromCache: boolean; binarySha256: string };
}

describe('build lock: one build per variant at a time', function () {
  this.timeout(300_000);
  let buildDir = '';
  const children: Child[] = [];

  before(function () {
    if (spawnSync('go', ['version']).status !== 0) skipBecause(this, 'no Go toolchain on PATH');
    buildDir = mkdtempSync(path.join(os.tmpdir(), 'brownout-build-lock-'));
  });

  after(() => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('build lock - a second build of the same variant started at once waits for the first, says so, and reuses its result', async () => {
    children.push(startBuild(buildDir), startBuild(buildDir));
    await until('READY from both builds', 60_000, () => children.every((c) => c.out.includes('READY')));
    for (const c of children) c.proc.stdin!.write('go\n');
    const codes = await Promise.race([
      Promise.all(children.map((c) => c.exit)),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('both builds had not exited after 240000ms')), 240_000)),
    ]);
    assert.deepEqual(codes, [0, 0], `a build failed: ${children.map((c) => c.out.join(' | ')).join(' ||| ')}`);
    const results = children.map(resultOf);
    const built = children.filter((_, i) => !results[i]!.fromCache);
    const reused = children.filter((_, i) => results[i]!.fromCache);
    assert.equal(built.length, 1, `${built.length} builds compiled (one should, the other reuse it): ${children.map((c) => c.out.join(' | ')).join(' ||| ')}`);
    assert.equal(reused.length, 1);
    assert.ok(reused[0]!.out.some((l) => /^info another build of toxiproxy-.* is running: waiting for it, then reusing its result/.test(l)),
      `the reusing build did not say it waited: ${reused[0]!.out.join(' | ')}`);
    assert.ok(!reused[0]!.out.some((l) => l.startsWith('step compile')), 'the reusing build compiled anyway');
    assert.equal(results[0]!.binarySha256, results[1]!.binarySha256);
    const work = readdirSync(path.join(buildDir, 'work'));
    assert.deepEqual(work, [`toxiproxy-${TOXIPROXY_VERSION}`], `work/ holds ${work.join(', ')}: no lock or scratch folder left behind`);
    assert.ok(existsSync(path.join(buildDir, 'work', `toxiproxy-${TOXIPROXY_VERSION}`, 'src', 'go.mod')));
  });
});
