// The packed tarball, installed into an empty folder as a user would, builds a variant from a patch
// folder outside the package into its own cache and runs a scenario with runs/ under that folder.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_DIR, DEFAULT_NATS_TAG, REPO_ROOT, TOXIPROXY_VERSION, toxiproxyDir } from '../core/layout.ts';
import { workDir } from '../harness/variants/build-module.ts';
import { skipBecause } from './support/skip.ts';

const MIN = 60_000;

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8', timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')} did not finish within ${opts.timeoutMs}ms`, { cause: r.error });
  return r;
}

const said = (r: SpawnSyncReturns<string>): string => `exit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr.slice(-4000)}`;

describe('package install', function () {
  this.timeout(6 * MIN);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'brownout-pkg-'));
  const project = path.join(tmp, 'project'); // the user's empty folder
  const cache = path.join(tmp, 'cache');
  const patches = path.join(tmp, 'my-patches'); // outside the package
  // What a user's shell has: none of the repository's overrides, a cache of their own.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) =>
    !['BROWNOUT_BUILD_DIR', 'BROWNOUT_RUNS_DIR', 'BROWNOUT_CACHE'].includes(k) && !k.startsWith('npm_package_') && !k.startsWith('npm_lifecycle_')));
  env.BROWNOUT_CACHE = cache;
  let tarball = '';
  let variant = '';

  before(function () {
    if (spawnSync('go', ['version']).status !== 0) {
      if (process.env.CI) throw new Error('Go is not on PATH: the installed tool builds nats-server with it');
      skipBecause(this, 'Go is not on PATH: the installed tool builds nats-server with it');
    }
    mkdirSync(project);
    mkdirSync(patches);
    cpSync(path.join(REPO_ROOT, 'patches', DEFAULT_NATS_TAG, '0001-statsz-rate-limit.patch'), path.join(patches, '0001-statsz-rate-limit.patch'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('package install - npm pack builds dist/ and ships JavaScript, the patch series and no TypeScript', () => {
    const r = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: REPO_ROOT, env: process.env, timeoutMs: 3 * MIN });
    assert.equal(r.status, 0, said(r));
    const [info] = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, info!.filename);
    const files = info!.files.map((f) => f.path);
    for (const f of ['dist/bin/brownout.js', 'dist/harness/cli/chaos.js', `patches/${DEFAULT_NATS_TAG}/series`, 'package.json']) assert.ok(files.includes(f), `${f} is not in the tarball`);
    assert.deepEqual(files.filter((f) => f.endsWith('.ts') || f.includes('.test.')), [], 'sources or tests in the tarball');
  });

  it('package install - installs into an empty folder without a TypeScript toolchain, and --help exits 0', () => {
    assert.ok(tarball, 'no tarball: the pack test failed');
    const i = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, env, timeoutMs: 4 * MIN });
    assert.equal(i.status, 0, said(i));
    for (const dev of ['tsx', 'typescript', 'mocha']) assert.equal(existsSync(path.join(project, 'node_modules', dev)), false, `${dev} was installed`);
    const h = run('npx', ['--no', '--', 'brownout', '--help'], { cwd: project, env, timeoutMs: MIN });
    assert.equal(h.status, 0, said(h));
    for (const c of ['chaos', 'gate', 'cluster', 'build:nats', 'clean']) assert.match(h.stdout, new RegExp(`^  ${c} `, 'm'));
    assert.ok(h.stdout.includes(`Builds are kept in ${cache}`), h.stdout);
    assert.ok(h.stdout.includes(`Runs are written under ${path.join(project, 'runs')}`), h.stdout);
    const bad = run('npx', ['--no', '--', 'brownout', 'chaos', 'statsz-storm', '--patches', path.join(tmp, 'nope'), '--backend', 'local'], { cwd: project, env, timeoutMs: MIN });
    assert.equal(bad.status, 2, said(bad));
    assert.match(bad.stderr, /nope does not exist/);
  });

  it('package install - build:nats builds a patch folder outside the package into the user cache', () => {
    assert.ok(existsSync(path.join(project, 'node_modules', '.bin', 'brownout')), 'not installed: the install test failed');
    const b = run('npx', ['--no', '--', 'brownout', 'build:nats', '--patches', patches, '--no-images', '--no-toxiproxy'], { cwd: project, env, timeoutMs: 4 * MIN });
    assert.equal(b.status, 0, said(b));
    variant = /\b(v\d+\.\d+\.\d+\+my-patches-[0-9a-f]{8})\b/.exec(b.stdout)?.[1] ?? '';
    assert.ok(variant, `no variant named <tag>+my-patches-<hash8> in:\n${b.stdout}`);
    assert.match(b.stdout, new RegExp(`${variant.replace(/[.+]/g, '\\$&')} +│ nats-server +│ fresh`), 'the variant was not built now (an empty cache must build it)');
    assert.ok(existsSync(path.join(cache, 'variants', variant, 'nats-server')), `no binary under ${cache}`);
    assert.equal(existsSync(path.join(project, 'build')), false, 'a build/ folder appeared in the project');
  });

  it('package install - chaos --patches runs statsz-storm on that variant (local backend) and writes ./runs', function () {
    assert.ok(variant, 'no variant: the build test failed');
    // Toxiproxy is not what this test is about: reuse the repository's build (same inputs, a cache hit).
    const tp = `toxiproxy-${TOXIPROXY_VERSION}`;
    if (existsSync(toxiproxyDir()) && existsSync(workDir(tp))) {
      cpSync(toxiproxyDir(), path.join(cache, 'toxiproxy', TOXIPROXY_VERSION), { recursive: true });
      cpSync(workDir(tp), path.join(cache, 'work', tp), { recursive: true });
    } else this.test!.title += ` (Toxiproxy built too: none in ${BUILD_DIR})`;
    const c = run('npx', ['--no', '--', 'brownout', 'chaos', 'statsz-storm', '--patches', patches, '--backend', 'local', '--seed', '1'], { cwd: project, env, timeoutMs: 4 * MIN });
    assert.equal(c.status, 0, said(c));
    const runs = readdirSync(path.join(project, 'runs')).filter((d) => d.endsWith('-statsz-storm'));
    assert.equal(runs.length, 1, `runs/ holds ${readdirSync(path.join(project, 'runs')).join(', ')}`);
    const summary = JSON.parse(readFileSync(path.join(project, 'runs', runs[0]!, 'summary.json'), 'utf8')) as { variant: string; seed: number };
    assert.equal(summary.variant, variant);
    assert.equal(summary.seed, 1);
  });
});
