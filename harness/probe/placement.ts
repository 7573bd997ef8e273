// Which server a probe client connects to, from the run's seed: the same seed gives the same
// placement on every run. Each (role, region, dial attempt) draws from its own stream, so the
// order in which reconnects happen does not change what each of them picks. Pure.
import { createRng } from '../../chaos/rng.ts';

/** FNV-1a, 32 bits: a stable number from a key. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * `servers` in the order a client dials them (it tries the next one when one fails). Ordered by
 * name first, so neither ports nor the view's order change the draw.
 */
export function placementOrder<T extends { name: string }>(seed: number, key: string, servers: readonly T[]): T[] {
  const byName = [...servers].sort((a, b) => a.name.localeCompare(b.name));
  return createRng((seed ^ hash(key)) >>> 0).pick(byName, byName.length);
}
