// Fault windows from what the observer saw, for a cluster brownout only watches (`brownout watch`):
// nobody wrote `fault` records, but a server that stopped answering, or came back under a new server
// ID (a restart), is the same event a chaos step would have caused. The checks that judge around
// fault steps (the STATSZ excess after a restart, recovery after a heal, probe loss outside faults)
// read these windows instead. Pure.
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import { statszTimes } from '../timeline/statsz-times.ts';
import type { FaultWindow } from './faults.ts';

/** One server's stretch out of service: from its last answer to its first answer after. */
export interface ObservedOutage {
  server: string;
  /** Its last answer before the outage (the round before it failed or came back with a new ID). */
  begun: number;
  /** Seen answering again; null: not by the end of the records. */
  back: number | null;
  /** It came back under a new server ID: a restart (else a pause, or the network). */
  restarted: boolean;
  /** When the observer first saw it out: its first unanswered round, else the round that saw the new ID. */
  seenOut: number;
}

/**
 * Every outage and restart of every server, from `server` records (and `varz` for the last answer),
 * and restarts only the STATSZ subscription saw (a server name sending under a new ID).
 */
export function observedOutages(records: readonly TimelineRecord[]): ObservedOutage[] {
  const events = records.filter((r) => r.kind === 'server' || r.kind === 'varz');
  // Stable: within one round a server's `server` record comes before its `varz` record.
  events.sort((a, b) => a.t - b.t);
  const lastSeen = new Map<string, number>();
  const open = new Map<string, ObservedOutage>();
  const out: ObservedOutage[] = [];
  for (const r of events) {
    if (r.kind === 'varz') { lastSeen.set(r.server, r.t); continue; }
    if (r.kind !== 'server') continue;
    const o = open.get(r.server);
    if (r.state === 'unreachable') {
      if (!o) open.set(r.server, { server: r.server, begun: lastSeen.get(r.server) ?? r.t, back: null, restarted: false, seenOut: r.t });
    } else if (r.state === 'restarted') {
      out.push({ ...(o ?? { server: r.server, begun: lastSeen.get(r.server) ?? r.t, seenOut: r.t }), back: r.t, restarted: true });
      open.delete(r.server);
    } else if (o) {
      out.push({ ...o, back: r.t });
      open.delete(r.server);
    }
  }
  // A restart the STATSZ subscription saw (a name sending under a new ID) that /varz did not report.
  const fromVarz = out.filter((o) => o.restarted);
  const extra = statszRestarts(records).filter((x) => !fromVarz.some((o) => o.server === x.server && x.seenOut >= o.begun - SAME_RESTART_MS && x.seenOut <= o.back! + SAME_RESTART_MS));
  return [...out, ...extra, ...open.values()].sort((a, b) => a.seenOut - b.seenOut || a.server.localeCompare(b.server));
}

/** A STATSZ restart this close to one /varz saw is the same restart. */
const SAME_RESTART_MS = 10_000;

/** Restarts on the STATSZ subscription: from the old ID's last message to the new ID's first. */
export function statszRestarts(records: readonly TimelineRecord[]): ObservedOutage[] {
  const spans = recordsOf(records, 'statsz').map((r) => {
    const times = statszTimes(r);
    return { server: r.serverName, id: r.serverId, first: Math.min(...times), last: Math.max(...times) };
  }).filter((x) => Number.isFinite(x.first)).sort((a, b) => a.first - b.first);
  const current = new Map<string, { id: string; last: number }>();
  const seen = new Set<string>();
  const out: ObservedOutage[] = [];
  for (const x of spans) {
    const now = current.get(x.server);
    if (now && now.id === x.id) { now.last = Math.max(now.last, x.last); continue; }
    if (seen.has(`${x.server}|${x.id}`)) continue; // a late record of an ID already replaced
    if (now) out.push({ server: x.server, begun: now.last, back: x.first, restarted: true, seenOut: x.first });
    current.set(x.server, { id: x.id, last: x.last });
    seen.add(`${x.server}|${x.id}`);
  }
  return out;
}

/**
 * Outages seen at the same time as one fault window (a mass restart is one storm): an outage joins
 * the group when the observer saw it out before the group's last server was back. One after the
 * other (a rolling restart) they stay apart, each judged in its own window as a chaos run's restart
 * steps are. `restart` when any server came back with a new ID, else `outage`. An outage still
 * open (a server stopped and not back) never swallows later ones.
 */
export function observedFaults(records: readonly TimelineRecord[]): FaultWindow[] {
  const groups: ObservedOutage[][] = [];
  let end = -Infinity;
  for (const o of observedOutages(records)) {
    const last = groups[groups.length - 1];
    if (last && o.seenOut < end) {
      last.push(o);
      end = Math.max(end, o.back ?? o.seenOut);
    } else {
      groups.push([o]);
      end = o.back ?? o.seenOut;
    }
  }
  return groups.map((g) => {
    const restarted = g.some((o) => o.restarted);
    const targets = [...new Set(g.map((o) => o.server))];
    const begun = Math.min(...g.map((o) => o.begun));
    const reverted = g.some((o) => o.back === null) ? null : Math.max(...g.map((o) => o.back!));
    const fault = restarted ? 'restart' : 'outage';
    return { fault, targets, label: `${fault} ${targets.join(', ')} (observed)`, applied: begun, begun, reverted, attributes: { observed: true } };
  });
}

/** Servers out of service at some point in [from, to] (or still out at `to`). */
export function serversOutDuring(records: readonly TimelineRecord[], from: number, to: number): Set<string> {
  return new Set(observedOutages(records).filter((o) => o.begun <= to && (o.back === null || o.back >= from)).map((o) => o.server));
}

/** Region of each server, from the `server` and `varz` records. */
export function regionOfServers(records: readonly TimelineRecord[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of [...recordsOf(records, 'server'), ...recordsOf(records, 'varz')]) out.set(r.server, r.region);
  return out;
}
