// Build static binaries from a Go module at a version, plus a patch series, with a cache keyed by
// the hash of every input. Shared by nats-server variants and Toxiproxy.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { withFileLock } from '../../core/file-lock.ts';
import { BUILD_DIR } from '../../core/layout.ts';
import { downloadModule, goVersion, type GoModule } from './go.ts';
import { applySeries, type PatchFile } from './patches.ts';
import { readManifest, writeManifest, type Manifest } from './manifest.ts';
import { buildScratchImage, dockerAvailable, findImage } from './image.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';

// Bump when the way we build changes, so old cache entries stop matching.
const RECIPE = 'brownout-build-1: CGO_ENABLED=0 go build -trimpath';

export interface ModuleBuild {
  name: string;
  kind: Manifest['kind'];
  module: string;
  tag: string;
  patchDir: string | null;
  patches: PatchFile[];
  /** Output folder: binaries and manifest.json. */
  outDir: string;
  /** Main packages to build, relative to the module root, and the binary name for each. */
  binaries: { pkg: string; out: string }[];
  /** Edits made after patching and before compiling (e.g. stamping the variant name). */
  prepare?: (srcDir: string) => void;
  /** -ldflags; given the input hash so it can be stamped into the binary. */
  ldflags?: (inputHash: string) => string;
  /** Docker image tag for the first binary, or null for none. */
  image: string | null;
}

export interface BuildOptions {
  progress?: Progress;
  /** `auto`: build images when a Docker engine answers; `skip`: never. */
  images?: 'auto' | 'skip';
}

export interface BuildResult {
  manifest: Manifest;
  fromCache: boolean;
  /** true: image reused; false: built now; null: no image (skipped or no engine). */
  imageFromCache: boolean | null;
  /** The patched source tree, kept for running the patch tests. */
  srcDir: string;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

export function inputHashOf(b: Pick<ModuleBuild, 'name' | 'module' | 'tag' | 'patches'>, mod: GoModule, go: string): string {
  const inputs = { recipe: RECIPE, name: b.name, module: b.module, tag: b.tag, sum: mod.sum, go, patches: b.patches.map((p) => p.sha256) };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

export function workDir(name: string): string {
  return path.join(BUILD_DIR, 'work', name);
}

/** Held while a variant is checked, built and imaged: two builds of one variant share work/<name> and its output folder. */
export function buildLockFile(name: string): string {
  return `${workDir(name)}.lock`;
}

/** A nats-server build from a cold Go cache takes minutes on a small machine; a waiter gives up after this. */
const BUILD_LOCK_TIMEOUT_MS = 30 * 60_000;

/** Copy a module's source into a fresh, writable git work tree (git makes patch paths relative to it). */
export async function freshSourceTree(mod: GoModule, dest: string): Promise<void> {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(mod.dir, dest, { recursive: true });
  await $({ quiet: true })`chmod -R u+w ${dest}`;
  await $({ cwd: dest, quiet: true })`git init -q .`;
}

export async function buildModule(b: ModuleBuild, opts: BuildOptions = {}): Promise<BuildResult> {
  const progress = opts.progress ?? silentProgress;
  const go = await goVersion();
  const mod = await progress.step(`fetch ${b.module}@${b.tag}`, () => downloadModule(b.module, b.tag));
  // The cache check, the build (rm + rename of work/<name>) and the image run as one: a second build
  // of the same variant waits for the first, then finds its result in the cache and reuses it.
  return withFileLock(buildLockFile(b.name), () => buildLocked(b, mod, go, progress, opts), {
    timeoutMs: BUILD_LOCK_TIMEOUT_MS,
    onWait: (holder) => progress.info(`another build of ${b.name} (pid ${holder?.pid ?? '?'}) is running: waiting for it, then reusing its result`),
  });
}

async function buildLocked(b: ModuleBuild, mod: GoModule, go: string, progress: Progress, opts: BuildOptions): Promise<BuildResult> {
  const inputHash = inputHashOf(b, mod, go);
  const manifestFile = path.join(b.outDir, 'manifest.json');
  const srcDir = path.join(workDir(b.name), 'src');
  let manifest = readManifest(manifestFile);
  const fromCache = manifest !== undefined && isIntact(manifest, inputHash, b) && existsSync(srcDir);

  if (!fromCache) {
    // Build in a scratch folder and move into place only when everything worked: a failed patch or
    // compile leaves the previous good build (if any) untouched and nothing half-applied behind.
    const scratch = `${workDir(b.name)}.tmp-${process.pid}`;
    try {
      const scratchSrc = path.join(scratch, 'src');
      await progress.step(`copy source to ${path.relative(process.cwd(), scratchSrc)}`, () => freshSourceTree(mod, scratchSrc));
      if (b.patches.length) {
        await progress.step(`apply ${b.patches.length} patch(es) from ${b.patchDir}`, () => applySeries(scratchSrc, b.patches));
      }
      b.prepare?.(scratchSrc);
      const ldflags = b.ldflags?.(inputHash) ?? '';
      for (const bin of b.binaries) {
        await progress.step(`compile ${b.name} ${bin.out}`, () =>
          $({ cwd: scratchSrc, quiet: true, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } })`go build -trimpath -ldflags ${ldflags} -o ${path.join(scratch, bin.out)} ${bin.pkg}`,
        );
      }
      mkdirSync(b.outDir, { recursive: true });
      for (const bin of b.binaries) renameSync(path.join(scratch, bin.out), path.join(b.outDir, bin.out));
      rmSync(workDir(b.name), { recursive: true, force: true });
      mkdirSync(workDir(b.name), { recursive: true });
      renameSync(scratchSrc, srcDir);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const binary = path.join(b.outDir, b.binaries[0]!.out);
    manifest = {
      name: b.name, kind: b.kind, module: b.module, tag: b.tag, moduleHash: mod.sum,
      patchDir: b.patchDir, patches: b.patches.map((p) => ({ file: path.basename(p.file), sha256: p.sha256 })),
      goVersion: go, inputHash, binary: path.basename(binary), binarySha256: sha256File(binary),
      binaryBytes: statSync(binary).size, imageId: null, image: null, builtAt: new Date().toISOString(),
    };
    writeManifest(manifestFile, manifest);
  }
  const m = manifest!;

  let imageFromCache: boolean | null = null;
  if (b.image && opts.images !== 'skip') {
    if (await dockerAvailable()) {
      const existing = await findImage(b.image, inputHash);
      imageFromCache = existing !== undefined;
      const id = existing ?? (await progress.step(`docker image ${b.image}`, () => buildScratchImage({
        tag: b.image!, binary: path.join(b.outDir, m.binary), name: m.binary,
        labels: { 'brownout.input': inputHash, 'brownout.variant': b.name },
      })));
      m.imageId = id;
      m.image = b.image;
    } else {
      progress.info(`no Docker engine answers: skipped image ${b.image} (the local backend needs none)`);
      m.imageId = null;
      m.image = null;
    }
    writeManifest(manifestFile, m);
  }
  return { manifest: m, fromCache, imageFromCache, srcDir };
}

function isIntact(m: Manifest, inputHash: string, b: ModuleBuild): boolean {
  if (m.inputHash !== inputHash) return false;
  return b.binaries.every((bin) => existsSync(path.join(b.outDir, bin.out))) && sha256File(path.join(b.outDir, m.binary)) === m.binarySha256;
}
