// What a run looked like, computed from its timeline records alone: verdicts and reports use the
// same pure functions over a timeline read back from disk.
import type { PairTotals } from '../probe/log-probe.ts';
import { linkHistories, outagesOf, type LinkOutage } from '../timeline/link-history.ts';
import { recordsOf, type StatszBurstRecord, type TimelineRecord } from '../timeline/records.ts';
import { slidingPeak, statszTimes } from '../timeline/statsz-times.ts';

export type { LinkOutage } from '../timeline/link-history.ts';

export interface ServerStatsz {
  server: string;
  /** Every server ID seen for this name (more than one after a restart). */
  ids: string[];
  msgs: number;
  bytes: number;
  /**
   * Most STATSZ from this server (all its IDs) in any 1 s (a sliding window over each message's
   * receive time, as the verdict counts), and when that second began (ms epoch).
   */
  peakPerSecond: number;
  peakFrom: number | null;
  bursts: number;
}

export interface PairSummary extends PairTotals {
  /** Worst window p99 and max latency (ms); null when nothing was delivered. */
  p99Ms: number | null;
  maxMs: number | null;
  longestGapMs: number;
  stalledWindows: number;
}

export interface StallSummary { region: string; server: string; at: number; stalledMs: number | null }

export interface ObserverSummary {
  from: number | null;
  to: number | null;
  statsz: { observedOn: string | null; msgs: number; bytes: number; perServer: ServerStatsz[]; bursts: StatszBurstRecord[] };
  /** Totals of every `statsz-check` record: subscription counts beside what the servers report sending. */
  crossCheck: { statszMsgs: number; statszBytes: number; varzOutMsgs: number; varzOutBytes: number; routeOutMsgs: number; routeOutBytes: number; gatewayOutMsgs: number; gatewayOutBytes: number };
  links: { outages: LinkOutage[] };
  servers: { server: string; restarts: number; unreachable: number; maxRssBytes: number; maxProcRssBytes: number | null; maxCpuPercent: number }[];
  probe: { pairs: PairSummary[]; stalls: StallSummary[] };
  observer: { meanCpuPercent: number | null; maxCpuPercent: number | null; lateSamples: number; failedRequests: number };
}

export function statszPerServer(records: readonly TimelineRecord[]): ServerStatsz[] {
  const by = new Map<string, ServerStatsz & { times: number[] }>();
  for (const r of recordsOf(records, 'statsz')) {
    const s = by.get(r.serverName) ?? { server: r.serverName, ids: [] as string[], msgs: 0, bytes: 0, peakPerSecond: 0, peakFrom: null, bursts: 0, times: [] };
    if (!s.ids.includes(r.serverId)) s.ids.push(r.serverId);
    s.msgs += r.msgs;
    s.bytes += r.bytes;
    s.times.push(...statszTimes(r));
    by.set(r.serverName, s);
  }
  for (const b of recordsOf(records, 'statsz-burst')) {
    const s = by.get(b.serverName);
    if (s) s.bursts += 1;
  }
  return [...by.values()].map(({ times, ...s }) => {
    const p = slidingPeak(times.sort((a, b) => a - b), 1000);
    return { ...s, peakPerSecond: p.peak, peakFrom: p.peak > 0 ? p.at : null };
  }).sort((a, b) => a.server.localeCompare(b.server));
}

/** Every outage of every link, from the link histories (harness/timeline/link-history.ts). */
export function linkOutages(records: readonly TimelineRecord[]): LinkOutage[] {
  return linkHistories(records).flatMap(outagesOf)
    .sort((a, b) => a.downAt - b.downAt || a.server.localeCompare(b.server) || a.peer.localeCompare(b.peer));
}

export function probePairs(records: readonly TimelineRecord[]): PairSummary[] {
  const by = new Map<string, PairSummary>();
  for (const r of recordsOf(records, 'probe')) {
    const key = `${r.from}>${r.to}`;
    const p = by.get(key) ?? { from: r.from, to: r.to, sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, p99Ms: null, maxMs: null, longestGapMs: 0, stalledWindows: 0 };
    p.sent += r.sent;
    p.delivered += r.delivered;
    p.lost += r.lost;
    p.duplicated += r.duplicated;
    p.reordered += r.reordered;
    if (r.latencyMs) {
      p.p99Ms = Math.max(p.p99Ms ?? 0, r.latencyMs.p99);
      p.maxMs = Math.max(p.maxMs ?? 0, r.latencyMs.max);
    }
    p.longestGapMs = Math.max(p.longestGapMs, r.longestGapMs);
    if (r.stalled) p.stalledWindows += 1;
    by.set(key, p);
  }
  return [...by.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export function summarize(records: readonly TimelineRecord[]): ObserverSummary {
  const perServer = statszPerServer(records);
  const checks = recordsOf(records, 'statsz-check');
  const sum = (k: keyof (typeof checks)[number]): number => checks.reduce((a, c) => a + (c[k] as number), 0);
  const servers = new Map<string, ObserverSummary['servers'][number]>();
  const srv = (name: string) => {
    const s = servers.get(name) ?? { server: name, restarts: 0, unreachable: 0, maxRssBytes: 0, maxProcRssBytes: null, maxCpuPercent: 0 };
    servers.set(name, s);
    return s;
  };
  for (const r of recordsOf(records, 'server')) {
    if (r.state === 'restarted') srv(r.server).restarts += 1;
    if (r.state === 'unreachable') srv(r.server).unreachable += 1;
  }
  for (const r of recordsOf(records, 'varz')) {
    const s = srv(r.server);
    s.maxRssBytes = Math.max(s.maxRssBytes, r.rssBytes);
    if (r.procRssBytes !== undefined) s.maxProcRssBytes = Math.max(s.maxProcRssBytes ?? 0, r.procRssBytes);
    s.maxCpuPercent = Math.max(s.maxCpuPercent, r.cpuPercent);
  }
  const selfs = recordsOf(records, 'observer');
  const stalls: StallSummary[] = [];
  for (const r of recordsOf(records, 'probe-stall')) {
    if (r.phase === 'stalled') stalls.push({ region: r.region, server: r.server, at: r.t, stalledMs: null });
    if (r.phase === 'resumed') {
      const s = [...stalls].reverse().find((x) => x.region === r.region && x.stalledMs === null);
      if (s) s.stalledMs = r.stalledMs ?? r.t - r.lastMessageAt;
      else stalls.push({ region: r.region, server: r.server, at: r.lastMessageAt, stalledMs: r.stalledMs ?? null });
    }
  }
  return {
    from: records[0]?.t ?? null,
    to: records[records.length - 1]?.t ?? null,
    statsz: {
      observedOn: recordsOf(records, 'statsz')[0]?.observedOn ?? null,
      msgs: perServer.reduce((a, s) => a + s.msgs, 0),
      bytes: perServer.reduce((a, s) => a + s.bytes, 0),
      perServer,
      bursts: recordsOf(records, 'statsz-burst'),
    },
    crossCheck: {
      statszMsgs: sum('statszMsgs'), statszBytes: sum('statszBytes'), varzOutMsgs: sum('varzOutMsgs'), varzOutBytes: sum('varzOutBytes'),
      routeOutMsgs: sum('routeOutMsgs'), routeOutBytes: sum('routeOutBytes'), gatewayOutMsgs: sum('gatewayOutMsgs'), gatewayOutBytes: sum('gatewayOutBytes'),
    },
    links: { outages: linkOutages(records) },
    servers: [...servers.values()].sort((a, b) => a.server.localeCompare(b.server)),
    probe: { pairs: probePairs(records), stalls },
    observer: {
      meanCpuPercent: selfs.length ? selfs.reduce((a, s) => a + s.cpuPercent, 0) / selfs.length : null,
      maxCpuPercent: selfs.length ? Math.max(...selfs.map((s) => s.cpuPercent)) : null,
      lateSamples: selfs.reduce((a, s) => a + s.lateSamples, 0),
      failedRequests: selfs.reduce((a, s) => a + s.failedRequests, 0),
    },
  };
}
