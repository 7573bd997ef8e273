// The observer's pure core: the previous state plus one round of snapshots gives the next state and
// the round's records (server reachability and restarts, /varz deltas, link transitions, and the
// STATSZ cross-check). Everything it needs arrives as data; observer.ts does the fetching.
import type { TimelineRecord } from '../timeline/records.ts';
import { advanceLinks, type LinkObservation, type LinkStateOptions, type LinkTable } from './link-state.ts';
import { observeLinks, type KnownIds } from './links-from-monitoring.ts';
import { addChecks, emptyCheck, sampleServer, type ServerRound, type ServerTrack } from './server-sample.ts';

export interface StatszTotals { msgs: number; bytes: number }

export interface ObserverState {
  tracks: ReadonlyMap<string, ServerTrack>;
  links: LinkTable;
  /** Subscription totals at the previous round, for the cross-check's interval. */
  statsz: StatszTotals;
  /** Start of the previous round (ms epoch). */
  lastRoundAt: number;
}

export interface RoundInput {
  /** When the round started (ms epoch). */
  t: number;
  /** Every region of the cluster, and every server (in the view's order) with what was fetched. */
  regions: readonly string[];
  servers: readonly ServerRound[];
  /** STATSZ subscription totals now. */
  statsz: StatszTotals;
}

export interface RoundResult {
  state: ObserverState;
  records: TimelineRecord[];
  /** Servers whose monitoring fetch failed this round. */
  failed: number;
}

export function initialState(t: number, statsz: StatszTotals): ObserverState {
  return { tracks: new Map(), links: new Map(), statsz, lastRoundAt: t };
}

/** Server IDs as the observer knows them after this round: read now, or the last ID read. */
export function knownIds(tracks: ReadonlyMap<string, ServerTrack>, servers: readonly ServerRound[]): KnownIds {
  const byName = new Map<string, string>();
  const regions = new Map<string, Set<string>>();
  for (const s of servers) {
    const id = tracks.get(s.name)?.id;
    if (!id) continue;
    byName.set(s.name, id);
    regions.set(s.region, (regions.get(s.region) ?? new Set()).add(id));
  }
  return { servers: byName, regions };
}

/** Every link each server should have, as this round saw it. */
export function roundLinks(input: RoundInput, ids: KnownIds): LinkObservation[] {
  return input.servers.flatMap((s) => observeLinks({
    server: s.name, region: s.region,
    routePeers: input.servers.filter((p) => p.region === s.region && p.name !== s.name).map((p) => p.name),
    gatewayPeers: input.regions.filter((r) => r !== s.region),
  }, s.snap, s.handshakeRegions, ids));
}

export function observeRound(prev: ObserverState, input: RoundInput, opts: LinkStateOptions = {}): RoundResult {
  const { t } = input;
  const tracks = new Map(prev.tracks);
  const records: TimelineRecord[] = [];
  let check = emptyCheck();
  for (const s of input.servers) {
    const r = sampleServer(tracks.get(s.name), s, t);
    tracks.set(s.name, r.track);
    records.push(...r.records);
    check = addChecks(check, r.check);
  }
  const links = advanceLinks(prev.links, roundLinks(input, knownIds(tracks, input.servers)), t, opts);
  records.push(...links.records);
  records.push({
    t, kind: 'statsz-check', from: prev.lastRoundAt, to: t,
    statszMsgs: input.statsz.msgs - prev.statsz.msgs, statszBytes: input.statsz.bytes - prev.statsz.bytes, ...check,
  });
  const failed = input.servers.filter((s) => !s.snap).length;
  return { state: { tracks, links: links.table, statsz: input.statsz, lastRoundAt: t }, records, failed };
}
