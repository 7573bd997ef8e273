// Short names a user may give for a variant (`--variant stock`), resolved to full variant names.
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';

export const VARIANT_ALIASES: Readonly<Record<string, string>> = {
  stock: DEFAULT_NATS_TAG,
  patched: patchedName(DEFAULT_NATS_TAG),
};

/** An alias's variant name, or the name itself. */
export function resolveVariantAlias(name: string): string {
  return VARIANT_ALIASES[name] ?? name;
}
