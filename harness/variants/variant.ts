// A Variant: an upstream nats-server tag plus an ordered patch set (possibly empty), and its name.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { NATS_MODULE, REPO_ROOT, natsServerBinary, patchedName, variantDir, variantImage } from '../../core/layout.ts';
import { patchLabel, readSeries, selectPatches, type PatchFile } from './patches.ts';
import { buildModule, type BuildOptions, type BuildResult } from './build-module.ts';

export const TAG_PATTERN = /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export interface VariantSpec {
  tag: string;
  /**
   * `default`: patches/<tag>/; `default:SEL[,SEL]`: only those patches of it (SEL: `0001` or a
   * label such as `statsz`); `none`: stock; anything else: a folder of patches.
   */
  patches: string;
}

const SUBSET = /^default:(.*)$/;

export interface ResolvedVariant {
  name: string;
  tag: string;
  patchDir: string | null;
  patches: PatchFile[];
}

export function defaultPatchDir(tag: string): string {
  return path.join(REPO_ROOT, 'patches', tag);
}

/** Our series minus some patches: `<tag>+brownout-<label>[-<label>]`, labels in series order. */
export function subsetName(tag: string, labels: string[]): string {
  return `${patchedName(tag)}-${labels.join('-')}`;
}

/**
 * Name a variant: `<tag>` (stock), `<tag>+brownout` (our series), `<tag>+brownout-statsz` (only
 * the patches selected from our series), `<tag>+<folder>-<hash8>` (others).
 */
export function resolveVariant(spec: VariantSpec): ResolvedVariant {
  const { tag } = spec;
  if (!TAG_PATTERN.test(tag)) {
    throw new BadInputError(`--version ${JSON.stringify(tag)} is not an upstream tag`, { hint: 'tags look like v2.10.14' });
  }
  if (spec.patches === 'none') return { name: tag, tag, patchDir: null, patches: [] };
  const subset = SUBSET.exec(spec.patches);
  const ours = spec.patches === 'default' || subset !== null;
  const dir = ours ? defaultPatchDir(tag) : path.resolve(spec.patches);
  if (!existsSync(dir)) {
    throw new BadInputError(`--patches: folder ${dir} does not exist`, {
      hint: ours
        ? `we have no patch series for ${tag}; use --patches none for stock, or --patches DIR`
        : 'give a folder holding *.patch files (and optionally a series file)',
    });
  }
  const series = readSeries(dir);
  if (subset) {
    const patches = selectPatches(series, subset[1]!.split(',').map((x) => x.trim()).filter(Boolean), `--patches ${spec.patches}`);
    // The whole series, however selected, is the one variant `+brownout`: one name per patch set.
    const name = patches.length === series.length ? patchedName(tag) : subsetName(tag, patches.map((p) => patchLabel(p.file)));
    return { name, tag, patchDir: dir, patches };
  }
  const patches = series;
  if (dir === defaultPatchDir(tag)) return { name: patchedName(tag), tag, patchDir: dir, patches };
  const slug = path.basename(dir).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'patches';
  const digest = createHash('sha256');
  for (const p of patches) digest.update(p.sha256);
  return { name: `${tag}+${slug}-${digest.digest('hex').slice(0, 8)}`, tag, patchDir: dir, patches };
}

/**
 * The spec a variant name is built from, for the names built on demand: `<tag>` (stock),
 * `<tag>+brownout` and `<tag>+brownout-<label>[-<label>]`; undefined for any other name.
 */
export function specForName(name: string): VariantSpec | undefined {
  const m = /^([^+]+)(?:\+brownout(?:-([a-z0-9-]+))?)?$/.exec(name);
  if (!m || !TAG_PATTERN.test(m[1]!)) return undefined;
  if (!name.includes('+')) return { tag: m[1]!, patches: 'none' };
  return { tag: m[1]!, patches: m[2] ? `default:${m[2].split('-').join(',')}` : 'default' };
}

/**
 * Stamp the variant into server.VERSION so `nats-server --version` and /varz name it. The server's
 * own version parsing reads only the leading x.y.z, so a `+suffix` is safe. Stock keeps the tag.
 */
export function stampVersion(srcDir: string, variant: ResolvedVariant): void {
  const suffix = variant.name.slice(variant.tag.length);
  if (!suffix) return;
  const file = path.join(srcDir, 'server', 'const.go');
  const text = readFileSync(file, 'utf8');
  const re = /(\bVERSION\s*=\s*")([^"]+)(")/;
  if (!re.test(text)) throw new BadInputError(`cannot stamp the variant name: no VERSION constant in ${file}`);
  writeFileSync(file, text.replace(re, `$1$2${suffix}$3`));
}

export async function buildVariant(spec: VariantSpec, opts: BuildOptions = {}): Promise<BuildResult> {
  const v = resolveVariant(spec);
  return buildModule({
    name: v.name, kind: 'nats-server', module: NATS_MODULE, tag: v.tag, patchDir: v.patchDir, patches: v.patches,
    outDir: variantDir(v.name),
    binaries: [{ pkg: '.', out: path.basename(natsServerBinary(v.name)) }],
    prepare: (src) => stampVersion(src, v),
    ldflags: (hash) => `-s -w -X ${NATS_MODULE}/server.gitCommit=${hash.slice(0, 12)}`,
    image: variantImage(v.name),
  }, opts);
}
