// The link state machine: per (server, route|gateway, peer), turns successive observations into
// `link` records, one per transition, with how long the link was not up when it recovers.
import type { LinkRecord, LinkState } from '../timeline/records.ts';

export interface LinkObservation {
  server: string;
  region: string;
  linkType: 'route' | 'gateway';
  /** Route: peer server name. Gateway: remote region. */
  peer: string;
  state: LinkState;
  detail?: string;
}

export interface LinkEntry {
  state: LinkState;
  since: number;
  /** When the link last left `up` (undefined while up, or if it was never up). */
  downSince?: number;
}

export type LinkTable = ReadonlyMap<string, LinkEntry>;

export function linkKey(o: Pick<LinkObservation, 'server' | 'linkType' | 'peer'>): string {
  return `${o.linkType}:${o.server}:${o.peer}`;
}

/**
 * Apply one sample round observed at `t`. Links missing from `observed` keep their state (the
 * caller observes every expected link each round, marking an unreachable server's links down).
 * A link seen for the first time gets a record with `previous: null`; a link first seen not up
 * counts its outage from that first sight.
 */
export function advanceLinks(prev: LinkTable, observed: readonly LinkObservation[], t: number): { table: Map<string, LinkEntry>; records: LinkRecord[] } {
  const table = new Map(prev);
  const records: LinkRecord[] = [];
  for (const o of observed) {
    const key = linkKey(o);
    const before = table.get(key);
    if (before && before.state === o.state) continue;
    let entry: LinkEntry;
    let recoveryMs: number | undefined;
    if (o.state === 'up') {
      entry = { state: 'up', since: t };
      if (before?.downSince !== undefined) recoveryMs = t - before.downSince;
    } else {
      entry = { state: o.state, since: t, downSince: before?.downSince ?? t };
    }
    table.set(key, entry);
    records.push({
      t, kind: 'link', server: o.server, region: o.region, linkType: o.linkType, peer: o.peer,
      state: o.state, previous: before?.state ?? null, since: t,
      ...(o.state !== 'up' ? { downSince: entry.downSince } : before?.downSince !== undefined ? { downSince: before.downSince } : {}),
      ...(recoveryMs !== undefined ? { recoveryMs } : {}),
      ...(o.detail ? { detail: o.detail } : {}),
    });
  }
  return { table, records };
}
