// What `npm run build:nats` does: build the requested variants and Toxiproxy, report a table.
import { existsSync } from 'node:fs';
import Table from 'cli-table3';
import { DEFAULT_NATS_TAG, TOXIPROXY_VERSION } from '../../core/layout.ts';
import { buildVariant, defaultPatchDir } from './variant.ts';
import { buildToxiproxy } from './toxiproxy.ts';
import type { BuildOptions, BuildResult } from './build-module.ts';
import { silentProgress } from '../../core/progress.ts';
import { mib } from '../../core/units.ts';

export interface BuildAllOptions extends BuildOptions {
  tag?: string;
  /** Each entry: `default`, `none` or a folder. Default: our series (if we have one for the tag) and stock. */
  patches?: string[];
  toxiproxy?: boolean;
}

export async function buildAll(opts: BuildAllOptions = {}): Promise<BuildResult[]> {
  const tag = opts.tag ?? DEFAULT_NATS_TAG;
  const progress = opts.progress ?? silentProgress;
  let patches = opts.patches;
  if (!patches?.length) {
    patches = existsSync(defaultPatchDir(tag)) ? ['default', 'none'] : ['none'];
    if (patches.length === 1) progress.info(`no patch series for ${tag} under patches/: building stock only`);
  }
  const results: BuildResult[] = [];
  for (const p of patches) results.push(await buildVariant({ tag, patches: p }, opts));
  if (opts.toxiproxy !== false) results.push(await buildToxiproxy(TOXIPROXY_VERSION, opts));
  return results;
}

export function renderBuildTable(results: BuildResult[]): string {
  const table = new Table({ style: { head: [], border: [] }, head: ['built', 'kind', 'binary', 'size', 'image', 'sha256'] });
  for (const r of results) {
    const m = r.manifest;
    table.push([
      m.name, m.kind, r.fromCache ? 'cache' : 'fresh', mib(m.binaryBytes),
      r.imageFromCache === null ? 'skipped' : `${r.imageFromCache ? 'cache' : 'fresh'} ${m.image}`,
      m.binarySha256.slice(0, 12),
    ]);
  }
  return table.toString();
}
