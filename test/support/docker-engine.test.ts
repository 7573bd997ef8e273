import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/layout.ts';
import { decideEngine, installedEngine, isCi, type EngineFacts } from './docker-engine.ts';

const facts = (f: Partial<EngineFacts>): EngineFacts => ({ answers: false, ci: false, installed: undefined, host: 'unix:///x.sock', waitedMs: 10, ...f });

/** A mocha run of the docker cluster suite in a child process, with our reporter's counts. */
function mochaDockerSuite(env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-engine-'));
  try {
    const out = path.join(dir, 'counts.json');
    const r = spawnSync(process.execPath, [
      path.join(REPO_ROOT, 'node_modules/mocha/bin/mocha.js'), '--import=tsx', '--timeout', '60000', '--exit',
      '--reporter', path.join(REPO_ROOT, 'test/support/reporter.cjs'), '--reporter-option', `out=${out}`,
      'test/clusters-docker.test.ts',
    ], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    const counts = JSON.parse(readFileSync(out, 'utf8')) as { passes: number; failures: number; pending: number };
    return { status: r.status, output: r.stdout + r.stderr, counts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('docker engine requirement', function () {
  this.timeout(150_000);
  const dead = 'unix:///tmp/brownout-nonexistent.sock';

  it('docker engine - the decision: run when it answers, fail in CI or when installed, skip only otherwise', () => {
    assert.deepEqual(decideEngine(facts({ answers: true, ci: true, installed: '/usr/bin/dockerd' })), { action: 'run' });
    const table: [Partial<EngineFacts>, string, RegExp][] = [
      [{ ci: true, installed: '/usr/bin/dockerd' }, 'fail', /\/usr\/bin\/dockerd is installed and CI is set/],
      [{ ci: false, installed: '/usr/bin/docker' }, 'fail', /\/usr\/bin\/docker is installed, so the docker tests must run/],
      [{ ci: true }, 'fail', /no Docker engine answered at unix:\/\/\/x\.sock within 10 ms and CI is set/],
      [{}, 'skip', /no dockerd or docker binary is installed \(not CI\)/],
    ];
    for (const [f, action, reason] of table) {
      const d = decideEngine(facts(f));
      assert.equal(d.action, action, JSON.stringify(f));
      assert.match((d as { reason: string }).reason, reason);
    }
  });

  it('docker engine - CI is any value but empty, 0 or false; installed means dockerd or docker on PATH', () => {
    assert.deepEqual(['true', '1', 'yes'].map((v) => isCi({ CI: v })), [true, true, true]);
    assert.deepEqual([undefined, '', '0', 'false', 'FALSE'].map((v) => isCi({ CI: v })), [false, false, false, false, false]);
    const bin = mkdtempSync(path.join(os.tmpdir(), 'brownout-bin-'));
    try {
      assert.equal(installedEngine({ PATH: `/nonexistent${path.delimiter}${bin}` }), undefined);
      writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\n');
      chmodSync(path.join(bin, 'docker'), 0o755);
      assert.equal(installedEngine({ PATH: `/nonexistent${path.delimiter}${bin}` }), path.join(bin, 'docker'));
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('docker engine - in CI an installed but silent engine fails the docker suite instead of skipping it', () => {
    const r = mochaDockerSuite({ ...process.env, CI: '1', DOCKER_HOST: dead });
    assert.notEqual(r.status, 0, r.output);
    assert.ok(r.counts.failures >= 1, r.output);
    assert.equal(r.counts.pending, 0, r.output);
    assert.match(r.output, /DockerEngineRequired: no Docker engine answered at unix:\/\/\/tmp\/brownout-nonexistent\.sock/);
    assert.match(r.output, /is installed and CI is set, so the docker tests must run/);
  });

  it('docker engine - with no engine installed and no CI the suite skips and prints why beside every test', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dead, PATH: '/nonexistent' };
    delete env.CI;
    const r = mochaDockerSuite(env);
    assert.equal(r.status, 0, r.output);
    assert.deepEqual([r.counts.failures, r.counts.passes], [0, 0], r.output);
    assert.ok(r.counts.pending >= 5, r.output);
    const reasons = r.output.match(/skipped because: no Docker engine answered at unix:\/\/\/tmp\/brownout-nonexistent\.sock within \d+ ms and no dockerd or docker binary is installed/g) ?? [];
    assert.equal(reasons.length, r.counts.pending, r.output);
  });
});
