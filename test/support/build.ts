// Integration tests call ensureBuilt() in a before() hook: it builds (a cache hit when nothing
// changed) the stock and patched variants of the default tag, the two single-patch variants and
// Toxiproxy, with images when a Docker engine answers, and returns their names.
import path from 'node:path';
import { DEFAULT_NATS_TAG, REPO_ROOT, patchedName, toxiproxyBinary } from '../../core/layout.ts';
import { buildAll } from '../../harness/variants/build-all.ts';
import { VARIANT_ALIASES } from '../../harness/variants/aliases.ts';
import { buildVariant, resolveVariant } from '../../harness/variants/variant.ts';
import { LATEST_TAG } from '../../harness/variants/versions.ts';

export interface Built {
  stock: string;
  patched: string;
  /** Only 0001-statsz-rate-limit. */
  statszOnly: string;
  /** Only 0002-gateway-stale-handshake. */
  gatewayOnly: string;
  /** Path of the toxiproxy-server binary. */
  toxiproxy: string;
  /** Test-only: stock plus a patch that silently leaves the last route pool slot unfilled (routes.poolComplete must fail). */
  dropPoolSlot: string;
  /** Test-only: patched, with a STATSZ limit that drops what it should delay (statsz.fresh must fail). */
  statszDrop: string;
}

/** A deliberately broken build, never shipped: 0001 with a STATSZ limit that drops instead of delaying (test/fixtures/patches/statsz-drop). */
export const STATSZ_DROP_PATCHES = path.join(REPO_ROOT, 'test', 'fixtures', 'patches', 'statsz-drop');

/** A deliberately broken build, never shipped: the last route pool slot is never filled (test/fixtures/patches/drop-pool-slot). */
export const DROP_POOL_SLOT_PATCHES = path.join(REPO_ROOT, 'test', 'fixtures', 'patches', 'drop-pool-slot');

/** What `npm test` builds before any test runs: stock, patched, and each of our patches alone. */
export const TEST_PATCH_SETS = ['default', 'none', 'default:statsz', 'default:gateway', DROP_POOL_SLOT_PATCHES, STATSZ_DROP_PATCHES];

/**
 * Other releases `npm test` builds (stock), for the tests that need them: only the newest, for the
 * cross-version rollout (test/rollout-versions.test.ts). Measured: 30 s with cold Go caches on 2 cores.
 */
export const TEST_EXTRA_TAGS = [LATEST_TAG];

let once: Promise<Built> | undefined;
let latestOnce: Promise<string> | undefined;

/** The newest release, stock (built on demand; a cache hit after npm test's prepare). */
export function ensureLatest(): Promise<string> {
  latestOnce ??= buildVariant({ tag: LATEST_TAG, patches: 'none' }).then((r) => r.manifest.name);
  return latestOnce;
}

export function ensureBuilt(): Promise<Built> {
  once ??= buildAll({ tag: DEFAULT_NATS_TAG, patches: TEST_PATCH_SETS }).then(() => ({
    stock: DEFAULT_NATS_TAG,
    patched: patchedName(DEFAULT_NATS_TAG),
    statszOnly: VARIANT_ALIASES['statsz-only']!,
    gatewayOnly: VARIANT_ALIASES['gateway-only']!,
    toxiproxy: toxiproxyBinary(),
    dropPoolSlot: resolveVariant({ tag: DEFAULT_NATS_TAG, patches: DROP_POOL_SLOT_PATCHES }).name,
    statszDrop: resolveVariant({ tag: DEFAULT_NATS_TAG, patches: STATSZ_DROP_PATCHES }).name,
  }));
  return once;
}

/**
 * The upstream tag after nats-server PR #7200 (the route auth reconnect loop) that the route
 * detectors' tests run as the fixed build: stock, built on demand (a cache hit once built).
 */
export const ROUTE_AUTH_FIXED_TAG = 'v2.15.3';

export async function ensureRouteAuthFixed(): Promise<string> {
  return ensureStockTag(ROUTE_AUTH_FIXED_TAG);
}

/**
 * nats-server PR #8454 and #8527 (2026-08, a route slot or the $SYS route left empty after a
 * reconnect): v2.12.14 carries neither fix, v2.15.3 both (test/routes-docker.test.ts, route-dns).
 */
export const ROUTE_DNS_TAGS = { affected: 'v2.12.14', fixed: 'v2.15.3' } as const;

/** An upstream tag, stock (with its image when an engine answers), built on demand: a cache hit once built. */
export async function ensureStockTag(tag: string): Promise<string> {
  await buildVariant({ tag, patches: 'none' });
  return tag;
}
