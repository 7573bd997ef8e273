// A rollout gate asks whether the TARGET build behaves. A mixed cluster holds baseline servers
// too, and a baseline with the STATSZ storm storms whenever anything restarts (measured: stock
// peers send 4 STATSZ in a second when one server of a 3×3 restarts), which would fail a gate
// for the build being replaced. So the per-server records (STATSZ, bursts, /varz samples) are
// kept only for server IDs that reported the target's version; links and the probe stay
// cluster-wide (a link stuck anywhere is the rollout's problem). Pure.
import { versionOfVariant } from '../../../clusters/index.ts';
import type { TimelineRecord } from '../../timeline/records.ts';

export function targetServerIds(records: readonly TimelineRecord[], target: string): Set<string> {
  const want = versionOfVariant(target);
  const ids = new Set<string>();
  for (const r of records) if (r.kind === 'varz' && r.version === want) ids.add(r.serverId);
  return ids;
}

export function scopeToTarget(records: readonly TimelineRecord[], target: string): TimelineRecord[] {
  const ids = targetServerIds(records, target);
  return records.filter((r) => {
    if (r.kind === 'statsz' || r.kind === 'statsz-burst' || r.kind === 'varz') return ids.has(r.serverId);
    return true;
  });
}
