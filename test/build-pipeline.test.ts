import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildAll } from '../harness/variants/build-all.ts';
import { sha256File, workDir } from '../harness/variants/build-module.ts';
import { readManifest } from '../harness/variants/manifest.ts';
import { listBuiltVariants } from '../harness/variants/registry.ts';
import { buildVariant, defaultPatchDir } from '../harness/variants/variant.ts';
import { DEFAULT_NATS_TAG, natsServerBinary, variantDir } from '../core/layout.ts';
import { dockerAvailable } from '../harness/variants/image.ts';
import { freePort } from '../clusters/free-port.ts';
import { ensureBuilt } from './support/build.ts';
import { runScript } from './support/run-script.ts';

async function varzOf(variant: string): Promise<{ version: string; git_commit: string }> {
  const [client, monitor] = [await freePort(), await freePort()];
  const proc = spawn(natsServerBinary(variant), ['-a', '127.0.0.1', '-p', String(client), '-m', String(monitor)], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as { version: string; git_commit: string };
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`/varz of ${variant} did not answer on port ${monitor} within 10000ms`, { cause: err });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    proc.kill('SIGKILL');
  }
}

/** A patch against server/const.go whose context does not match upstream at line 40. */
const BAD_PATCH = `diff --git a/server/const.go b/server/const.go
--- a/server/const.go
+++ b/server/const.go
@@ -40,3 +40,4 @@
 this line is not in upstream
 nor is this one
+// added
 and this neither
`;

/** A harmless patch: one more line at the end of README.md. */
function readmePatch(): string {
  const mod = path.join(workDir(DEFAULT_NATS_TAG), 'src', 'README.md');
  const lines = readFileSync(mod, 'utf8').split('\n');
  const n = lines.length - 1; // the file ends with a newline
  const ctx = lines.slice(n - 3, n);
  return `diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -${n - 2},3 +${n - 2},4 @@\n${ctx.map((l) => ` ${l}`).join('\n')}\n+Built by brownout's tests.\n`;
}

describe('build', function () {
  this.timeout(900_000);
  before(async () => {
    await ensureBuilt();
  });

  it('build - a second build with the same inputs is a cache hit for everything', async () => {
    const again = await buildAll({ patches: ['default', 'none'] });
    assert.equal(again.length, 3);
    for (const r of again) {
      assert.equal(r.fromCache, true, `${r.manifest.name} was rebuilt`);
      if (r.imageFromCache !== null) assert.equal(r.imageFromCache, true, `${r.manifest.name} image was rebuilt`);
    }
  });

  it('build - the manifest records tag, module hash, patch sha256s, Go version, binary sha256 and image', async () => {
    const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout.trim();
    const patchDir = defaultPatchDir(DEFAULT_NATS_TAG);
    const series = readFileSync(path.join(patchDir, 'series'), 'utf8').split('\n').filter(Boolean);
    const m = readManifest(path.join(variantDir(`${DEFAULT_NATS_TAG}+brownout`), 'manifest.json'));
    assert.ok(m, 'patched manifest exists');
    assert.equal(m.tag, DEFAULT_NATS_TAG);
    assert.match(m.moduleHash, /^h1:[A-Za-z0-9+/]+=*$/);
    assert.equal(m.goVersion, goVersion);
    assert.deepEqual(m.patches.map((p) => p.file), series);
    for (const p of m.patches) assert.equal(p.sha256, sha256File(path.join(patchDir, p.file)));
    assert.equal(m.binarySha256, sha256File(natsServerBinary(m.name)));
    const stock = readManifest(path.join(variantDir(DEFAULT_NATS_TAG), 'manifest.json'));
    assert.ok(stock);
    assert.deepEqual(stock.patches, []);
    assert.equal(stock.patchDir, null);
    assert.notEqual(stock.inputHash, m.inputHash);
    if (await dockerAvailable()) {
      assert.match(m.imageId ?? '', /^sha256:[0-9a-f]{64}$/);
      assert.equal(m.image, 'brownout/nats-server:v2.10.14-brownout');
    }
  });

  it('build - a running server names its variant in /varz (stock reports the plain tag)', async () => {
    const stock = await varzOf(DEFAULT_NATS_TAG);
    const patched = await varzOf(`${DEFAULT_NATS_TAG}+brownout`);
    assert.equal(stock.version, DEFAULT_NATS_TAG.slice(1));
    assert.equal(patched.version, `${DEFAULT_NATS_TAG.slice(1)}+brownout`);
    const version = spawnSync(natsServerBinary(`${DEFAULT_NATS_TAG}+brownout`), ['--version'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(version, `nats-server: ${DEFAULT_NATS_TAG}+brownout`);
  });

  it('build - each patch of our series builds alone, stamped +brownout-<label>, cached by its inputs', async () => {
    const args = ['--patches', 'default:0001', 'default:gateway', '--no-images', '--no-toxiproxy'];
    const first = runScript('scripts/build-nats.ts', args, process.env, 900_000);
    assert.equal(first.status, 0, first.stderr);
    const again = runScript('scripts/build-nats.ts', args);
    assert.equal(again.status, 0, again.stderr);
    const patched = readManifest(path.join(variantDir(`${DEFAULT_NATS_TAG}+brownout`), 'manifest.json'))!;
    const hashes = new Set([patched.inputHash]);
    for (const [label, file] of [['statsz', '0001-statsz-rate-limit.patch'], ['gateway', '0002-gateway-stale-handshake.patch']]) {
      const name = `${DEFAULT_NATS_TAG}+brownout-${label}`;
      assert.match(again.stdout, new RegExp(`${name.replace(/[.+]/g, '\\$&')}\\s*│ nats-server │ cache`), again.stdout);
      const m = readManifest(path.join(variantDir(name), 'manifest.json'));
      assert.ok(m, `${name} manifest`);
      assert.deepEqual(m.patches.map((p) => p.file), [file]);
      assert.equal(m.patches[0]!.sha256, patched.patches.find((p) => p.file === file)!.sha256);
      hashes.add(m.inputHash);
      const version = spawnSync(natsServerBinary(name), ['--version'], { encoding: 'utf8' }).stdout.trim();
      assert.equal(version, `nats-server: ${name}`);
      assert.equal((await varzOf(name)).version, `${DEFAULT_NATS_TAG.slice(1)}+brownout-${label}`);
    }
    assert.equal(hashes.size, 3, 'patched, statsz-only and gateway-only have different input hashes');
  });

  it('build - a tag that does not exist fails naming the tag (exit 2)', () => {
    const r = runScript('scripts/build-nats.ts', ['--version', 'v2.99.77', '--patches', 'none', '--no-images', '--no-toxiproxy']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /v2\.99\.77/);
    assert.doesNotMatch(r.stderr, /    at /, 'no stack trace for user error');
    const bad = runScript('scripts/build-nats.ts', ['--version', 'latest', '--patches', 'none', '--no-images']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"latest" is not an upstream tag/);
  });

  it('build - a patch that does not apply names the patch file, the hunk and the target file, and leaves nothing half-applied', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-bad-patches-'));
    try {
      writeFileSync(path.join(dir, '0001-good.patch'), readmePatch());
      writeFileSync(path.join(dir, '0002-bad.patch'), BAD_PATCH);
      writeFileSync(path.join(dir, 'series'), '0001-good.patch\n0002-bad.patch\n');
      const r = runScript('scripts/build-nats.ts', ['--patches', dir, '--no-images', '--no-toxiproxy']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`patch ${path.join(dir, '0002-bad.patch').replace(/[.+]/g, '\\$&')} does not apply`));
      assert.match(r.stderr, /target file server\/const\.go/);
      assert.match(r.stderr, /hunk #1 @@ -40,3 \+40,4 @@/);
      const leftovers = listBuiltVariants().filter((m) => m.name.includes('brownout-bad-patches'));
      assert.deepEqual(leftovers, []);
      const work = path.dirname(workDir('x'));
      const tmp = existsSync(work) ? spawnSync('ls', [work], { encoding: 'utf8' }).stdout.split('\n').filter((n) => n.includes('brownout-bad-patches')) : [];
      assert.deepEqual(tmp, [], 'no work tree of the failed variant is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('build - another patch folder gives a variant of its own name that can be chosen later', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'brownout-')), 'readme-note');
    mkdirSync(dir);
    try {
      writeFileSync(path.join(dir, '0001-readme.patch'), readmePatch());
      const r = await buildVariant({ tag: DEFAULT_NATS_TAG, patches: dir }, { images: 'skip' });
      assert.match(r.manifest.name, /^v2\.10\.14\+readme-note-[0-9a-f]{8}$/);
      assert.ok(listBuiltVariants().some((m) => m.name === r.manifest.name));
      assert.equal(readFileSync(path.join(r.srcDir, 'README.md'), 'utf8').trimEnd().split('\n').at(-1), "Built by brownout's tests.");
      const version = spawnSync(natsServerBinary(r.manifest.name), ['--version'], { encoding: 'utf8' }).stdout.trim();
      assert.equal(version, `nats-server: ${r.manifest.name}`);
    } finally {
      rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('build - without Go on PATH the build exits 3 with a hint', () => {
    // HOME is an empty folder: bash, started by the build on a socket for stdin, may read
    // ~/.bashrc as for a remote shell, and this machine's puts Go back on PATH there.
    const home = mkdtempSync(path.join(os.tmpdir(), 'brownout-nogo-'));
    try {
      const r = runScript('scripts/build-nats.ts', ['--no-images'], { ...process.env, HOME: home, PATH: '/usr/bin:/bin' });
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /Go was not found on PATH/);
      assert.match(r.stderr, /hint: install Go/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
