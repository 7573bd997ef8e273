// The link state machine: per (server, route|gateway, peer), turns successive observations into
// `link` records, one per transition, with how long the link was not up when it recovers.
// One slow answer cannot flip a link: a server that did not answer is `unknown` (no vote), a link
// goes down or into handshake only after `confirmSamples` consecutive samples agree, and the
// transition is back-dated to the first of them. Going back up takes one sample. Pure.
import { linkKey } from '../timeline/link-history.ts';
import type { LinkRecord, LinkState } from '../timeline/records.ts';

/** What one round saw of a link: a state, or `unknown` when its server did not answer. */
export type ObservedLinkState = LinkState | 'unknown';

export interface LinkObservation {
  server: string;
  region: string;
  linkType: 'route' | 'gateway';
  /** Route: peer server name. Gateway: remote region. */
  peer: string;
  state: ObservedLinkState;
  detail?: string;
}

export interface LinkEntry {
  /** null: never seen in a definite state yet (no record written). */
  state: LinkState | null;
  since: number;
  /** When the link left `up` (undefined while up, or if it was never up). */
  downSince?: number;
  /** A non-up state other than `state`, seen in `samples` consecutive samples since `since`. */
  pending?: { state: LinkState; since: number; samples: number };
  /** Consecutive rounds the link's server did not answer, from `since`. */
  unknown?: { since: number; samples: number };
}

export type LinkTable = ReadonlyMap<string, LinkEntry>;

export interface LinkStateOptions {
  /** Consecutive agreeing samples before a link goes down or into handshake (default 2, at least 1). */
  confirmSamples?: number;
}

export const DEFAULT_CONFIRM_SAMPLES = 2;

/** Rounds without an answer before a server's links go down: like any state, never on one timeout. */
export const unreachableRounds = (confirmSamples: number): number => Math.max(2, confirmSamples);

export { linkKey };

type Decision = { entry: LinkEntry; change?: { state: LinkState; since: number } };

/** One link, one observation at `t`: the new entry and the transition, if any. */
export function decideLink(before: LinkEntry | undefined, seen: ObservedLinkState, t: number, confirmSamples = DEFAULT_CONFIRM_SAMPLES): Decision {
  const cur: LinkEntry = before ?? { state: null, since: t };
  if (seen === 'unknown') return decideUnknown(cur, t, confirmSamples);
  const { pending: _p, unknown: _u, ...settled } = cur;
  if (seen === cur.state) return { entry: settled };
  // First sight, or back up: at once.
  if (cur.state === null || seen === 'up') return { entry: settled, change: { state: seen, since: t } };
  const pending = cur.pending?.state === seen ? { ...cur.pending, samples: cur.pending.samples + 1 } : { state: seen, since: t, samples: 1 };
  if (pending.samples >= confirmSamples) return { entry: settled, change: { state: seen, since: pending.since } };
  return { entry: { ...settled, pending } };
}

function decideUnknown(cur: LinkEntry, t: number, confirmSamples: number): Decision {
  if (cur.state === 'down') return { entry: cur };
  const unknown = { since: cur.unknown?.since ?? t, samples: (cur.unknown?.samples ?? 0) + 1 };
  if (unknown.samples < unreachableRounds(confirmSamples)) return { entry: { ...cur, unknown } };
  // Down since the first round that could not see it up (a pending `down` vote may be earlier).
  const since = cur.pending?.state === 'down' ? Math.min(cur.pending.since, unknown.since) : unknown.since;
  const { pending: _p, unknown: _u, ...settled } = cur;
  return { entry: settled, change: { state: 'down', since } };
}

/** Apply a transition to an entry; the record that says so. */
function transition(o: LinkObservation, before: LinkEntry, change: { state: LinkState; since: number }, t: number): { entry: LinkEntry; record: LinkRecord } {
  const { state, since } = change;
  const downSince = state === 'up' ? undefined : (before.downSince ?? since);
  const recoveryMs = state === 'up' && before.downSince !== undefined ? since - before.downSince : undefined;
  const shownDownSince = downSince ?? before.downSince;
  const detail = o.state === 'unknown' ? 'server unreachable' : o.detail;
  const record: LinkRecord = {
    t, kind: 'link', server: o.server, region: o.region, linkType: o.linkType, peer: o.peer,
    state, previous: before.state, since,
    ...(shownDownSince !== undefined ? { downSince: shownDownSince } : {}),
    ...(recoveryMs !== undefined ? { recoveryMs } : {}),
    ...(detail ? { detail } : {}),
  };
  return { entry: { state, since, ...(downSince !== undefined ? { downSince } : {}) }, record };
}

/**
 * Apply one sample round observed at `t`. Links missing from `observed` keep their state (the
 * caller observes every expected link each round, `unknown` for an unreachable server's links).
 * A link seen for the first time gets a record with `previous: null`; a link first seen not up
 * counts its outage from that first sight.
 */
export function advanceLinks(prev: LinkTable, observed: readonly LinkObservation[], t: number, opts: LinkStateOptions = {}): { table: Map<string, LinkEntry>; records: LinkRecord[] } {
  const confirm = Math.max(1, opts.confirmSamples ?? DEFAULT_CONFIRM_SAMPLES);
  const table = new Map(prev);
  const records: LinkRecord[] = [];
  for (const o of observed) {
    const key = linkKey(o);
    const before = table.get(key);
    const d = decideLink(before, o.state, t, confirm);
    if (!d.change) { table.set(key, d.entry); continue; }
    const next = transition(o, before ?? d.entry, d.change, t);
    table.set(key, next.entry);
    records.push(next.record);
  }
  return { table, records };
}
