// `--patches DIR` on chaos and gate: the variant of DIR's patch series on the tag of --variant, built
// now or found in the cache (keyed by the patches' content), named `<tag>+<folder>-<hash8>`.
import { createProgress } from '../../core/progress.ts';
import { buildVariant } from './variant.ts';

/** Build (or reuse) the variant; Docker images only when the run may use the Docker backend. */
export async function variantFromPatches(dir: string, variant: string, backend?: string): Promise<string> {
  const tag = variant.split('+')[0]!;
  const built = await buildVariant({ tag, patches: dir }, { progress: createProgress('build'), images: backend === 'local' ? 'skip' : 'auto' });
  return built.manifest.name;
}
