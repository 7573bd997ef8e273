// Which variants exist, and turning a `--variant NAME` into a built binary (building on demand).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { BUILD_DIR, natsServerBinary, variantDir } from '../../core/layout.ts';
import { readManifest, type Manifest } from './manifest.ts';
import { buildVariant, resolveVariant, specForName } from './variant.ts';
import type { BuildOptions } from './build-module.ts';

export function listBuiltVariants(): Manifest[] {
  const root = path.join(BUILD_DIR, 'variants');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => readManifest(path.join(variantDir(n), 'manifest.json')))
    .filter((m): m is Manifest => m !== undefined && existsSync(natsServerBinary(m.name)));
}

/**
 * A tag (`v2.10.16`), `<tag>+brownout` or a part of our series (`<tag>+brownout-statsz`) is built
 * on demand (a cache hit when built already); any other name must have been built before (e.g.
 * from another patch folder).
 */
export async function ensureVariant(name: string, opts: BuildOptions = {}): Promise<Manifest> {
  const spec = specForName(name);
  // Only a name that resolves back to itself: `+brownout-gateway-statsz` is spelled `+brownout`.
  if (spec && resolveVariant(spec).name === name) return (await buildVariant(spec, opts)).manifest;
  const built = listBuiltVariants().find((m) => m.name === name);
  if (built) return built;
  const names = listBuiltVariants().map((m) => m.name);
  throw new BadInputError(`variant ${JSON.stringify(name)} is not built`, {
    problems: [`--variant: built variants are ${names.length ? names.join(', ') : '(none)'}; tags like v2.10.14, v2.10.14+brownout and v2.10.14+brownout-statsz are built on demand`],
    hint: 'build it with npm run build:nats -- --version TAG --patches DIR',
  });
}
