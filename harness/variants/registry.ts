// Which variants exist, and turning a `--variant NAME` into a built binary (building on demand).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { BUILD_DIR, natsServerBinary, variantDir } from '../../core/layout.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { buildVariant, TAG_PATTERN } from './variant.ts';
import type { BuildOptions } from './build-module.ts';

export function listBuiltVariants(): Manifest[] {
  const root = path.join(BUILD_DIR, 'variants');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => readManifest(path.join(variantDir(n), 'manifest.json')))
    .filter((m): m is Manifest => m !== undefined && existsSync(natsServerBinary(m.name)));
}

/**
 * A tag (`v2.10.16`) or `<tag>+brownout` is built on demand (a cache hit when built already);
 * any other name must have been built before (e.g. from another patch folder).
 */
export async function ensureVariant(name: string, opts: BuildOptions = {}): Promise<Manifest> {
  const plus = name.indexOf('+');
  const tag = plus < 0 ? name : name.slice(0, plus);
  if (TAG_PATTERN.test(tag) && (plus < 0 || name.slice(plus) === '+brownout')) {
    return (await buildVariant({ tag, patches: plus < 0 ? 'none' : 'default' }, opts)).manifest;
  }
  const built = listBuiltVariants().find((m) => m.name === name);
  if (built) return built;
  const names = listBuiltVariants().map((m) => m.name);
  throw new BadInputError(`variant ${JSON.stringify(name)} is not built`, {
    problems: [`--variant: built variants are ${names.length ? names.join(', ') : '(none)'}; tags like v2.10.14 and v2.10.14+brownout are built on demand`],
    hint: 'build it with npm run build:nats -- --version TAG --patches DIR',
  });
}
