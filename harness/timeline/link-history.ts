// Link state, derived once: per link (server, route|gateway, peer), its transitions in time order,
// from the timeline's `link` records. The summary, the verdict, the metrics and the live view all
// read link state through this reducer. Pure.
import { recordsOf, type LinkRecord, type LinkState, type TimelineRecord } from './records.ts';

export interface LinkTransition {
  /** When the link entered `state` (the record's `since`, ms epoch). */
  at: number;
  state: LinkState;
}

export interface LinkHistory {
  server: string;
  /** Region of `server`. */
  region: string;
  /** Route: the peer's server name. Gateway: the remote region. */
  peer: string;
  linkType: LinkRecord['linkType'];
  /** Ordered by `at`; ties keep record order. */
  transitions: LinkTransition[];
}

export function linkKey(l: Pick<LinkRecord, 'linkType' | 'server' | 'peer'>): string {
  return `${l.linkType}:${l.server}:${l.peer}`;
}

/**
 * One step of the reducer: add a `link` record to `histories` (keyed by `linkKey`), in place, and
 * return the link's history. A record older than the link's last transition (back-dated `since`)
 * is inserted in order.
 */
export function addLinkRecord(histories: Map<string, LinkHistory>, r: LinkRecord): LinkHistory {
  const key = linkKey(r);
  let h = histories.get(key);
  if (!h) {
    h = { server: r.server, region: r.region, peer: r.peer, linkType: r.linkType, transitions: [] };
    histories.set(key, h);
  }
  const x: LinkTransition = { at: r.since, state: r.state };
  let i = h.transitions.length;
  while (i > 0 && h.transitions[i - 1]!.at > x.at) i--;
  h.transitions.splice(i, 0, x);
  return h;
}

/** Every link's history, from `link` records sorted by `since`, then `t`. */
export function linkHistories(records: readonly TimelineRecord[]): LinkHistory[] {
  const histories = new Map<string, LinkHistory>();
  for (const r of [...recordsOf(records, 'link')].sort((a, b) => a.since - b.since || a.t - b.t)) addLinkRecord(histories, r);
  return [...histories.values()];
}

/** The transition in force at `t` (inclusive), or strictly before `t` when `exclusive`. */
export function stateAt(h: LinkHistory, t: number, exclusive = false): LinkTransition | undefined {
  let found: LinkTransition | undefined;
  for (const x of h.transitions) {
    if (exclusive ? x.at < t : x.at <= t) found = x;
    else break;
  }
  return found;
}

/** The link's last transition: its state now. */
export function latestState(h: LinkHistory): LinkTransition | undefined {
  return h.transitions[h.transitions.length - 1];
}

export interface LinkOutage {
  linkType: LinkRecord['linkType'];
  server: string;
  peer: string;
  /** When the link left `up` (or was first seen not up). */
  downAt: number;
  /** null: still not up at the end of the history. */
  upAt: number | null;
  recoveryMs: number | null;
  /** The link passed through `handshake` (an unregistered outbound) during the outage. */
  sawHandshake: boolean;
}

/** Each stretch a link spent not up: from its first non-up transition to the next `up`. */
export function outagesOf(h: LinkHistory): LinkOutage[] {
  const out: LinkOutage[] = [];
  let open: LinkOutage | undefined;
  for (const x of h.transitions) {
    if (x.state === 'up') {
      if (open) out.push({ ...open, upAt: x.at, recoveryMs: x.at - open.downAt });
      open = undefined;
    } else if (open) {
      open.sawHandshake ||= x.state === 'handshake';
    } else {
      open = { linkType: h.linkType, server: h.server, peer: h.peer, downAt: x.at, upAt: null, recoveryMs: null, sawHandshake: x.state === 'handshake' };
    }
  }
  return open ? [...out, open] : out;
}
