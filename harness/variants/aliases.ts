// Short names a user may give for a variant (`--variant stock`), resolved to full variant names.
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import { subsetName } from './variant.ts';
import { CURRENT_MINORS, LATEST_TAG } from './versions.ts';

export const VARIANT_ALIASES: Readonly<Record<string, string>> = {
  stock: DEFAULT_NATS_TAG,
  patched: patchedName(DEFAULT_NATS_TAG),
  /** Only 0001-statsz-rate-limit: keeps the stuck-gateway bug. */
  'statsz-only': subsetName(DEFAULT_NATS_TAG, ['statsz']),
  /** Only 0002-gateway-stale-handshake: keeps the STATSZ storm. */
  'gateway-only': subsetName(DEFAULT_NATS_TAG, ['gateway']),
  /** The newest nats-server we build and run, stock (upstream carries both our fixes): harness/variants/versions.ts. */
  latest: LATEST_TAG,
  /** `v2.12`: the newest patch tag of that minor we run (stock), e.g. v2.12.15. */
  ...Object.fromEntries(CURRENT_MINORS.map((m) => [`v${m.minor}`, m.tag])),
};

/** An alias's variant name, or the name itself. */
export function resolveVariantAlias(name: string): string {
  return Object.hasOwn(VARIANT_ALIASES, name) ? VARIANT_ALIASES[name]! : name;
}
