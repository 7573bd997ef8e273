// Small hand-made timeline records for verdict and report tests. Times are seconds after T0.
import type {
  ConnectsRecord, FaultRecord, LinkRecord, RoutePoolRecord, StatszContentRecord, ServerRecord, StepRecord, LinkState, ProbeRecord, RunRecord, StatszBurstRecord, StatszRecord, TimelineRecord, VarzRecord,
} from '../../harness/timeline/records.ts';

/** 2026-11-25 14:03:00 UTC */
export const T0 = Date.UTC(2026, 10, 25, 14, 3, 0);
const at = (s: number): number => Math.round(T0 + s * 1000);

export function run(phase: 'start' | 'end', s: number): RunRecord {
  return { t: at(s), kind: 'run', phase, runId: 'r1', regions: ['iad', 'lhr', 'syd'], servers: [], intervalMs: 500, scenario: 'test' };
}

export function link(s: number, server: string, peer: string, state: LinkState, linkType: 'route' | 'gateway' = 'gateway'): LinkRecord {
  return { t: at(s), kind: 'link', server, region: server.split('-')[0]!, linkType, peer, state, previous: null, since: at(s) };
}

export function fault(s: number, type: string, phase: 'applied' | 'reverted', ...targets: string[]): FaultRecord {
  return { t: at(s), kind: 'fault', fault: type, phase, targets };
}

/** A fault record as the runner writes it today: with its id and the index of the step that applied it. */
export function faultById(s: number, id: string, stepIndex: number, type: string, phase: 'applied' | 'reverted', ...targets: string[]): FaultRecord {
  return { ...fault(s, type, phase, ...targets), id, step: stepIndex };
}

export function restarted(s: number, server: string, serverId: string, previousId: string): ServerRecord {
  return { t: at(s), kind: 'server', server, region: server.split('-')[0]!, state: 'restarted', serverId, previousId };
}

export function step(s: number, index: number, phase: 'start' | 'end'): StepRecord {
  return { t: at(s), kind: 'step', scenario: 'test', index, name: `step ${index}`, phase };
}

export function statsz(s: number, serverName: string, serverId: string, msgs: number, bytes = msgs * 1000, observedOn = 'syd-1'): StatszRecord {
  return { t: at(s + 1), kind: 'statsz', second: at(Math.floor(s)), serverId, serverName, msgs, bytes, observedOn };
}

/** STATSZ received at these offsets (ms) into second `s`, 1000 bytes each. */
export function statszAt(s: number, serverName: string, serverId: string, offsetsMs: number[], observedOn = 'syd-1'): StatszRecord {
  return { ...statsz(s, serverName, serverId, offsetsMs.length, offsetsMs.length * 1000, observedOn), offsetsMs };
}

/** `n` offsets spread evenly over [from, to) ms. */
export const spread = (n: number, from = 0, to = 200): number[] => Array.from({ length: n }, (_, i) => Math.floor(from + (i * (to - from)) / n));

export function burst(s: number, serverName: string, serverId: string, msgs: number): StatszBurstRecord {
  return { t: at(s + 1), kind: 'statsz-burst', serverId, serverName, msgs, peak: msgs, bytes: msgs * 1000, first: at(s), last: at(s + 0.08), windowMs: 100, minMsgs: 3, observedOn: 'syd-1' };
}

export function varz(s: number, server: string, serverId: string, rssMiB: number): VarzRecord {
  return {
    t: at(s), kind: 'varz', server, region: server.split('-')[0]!, serverId, intervalMs: 1000, outMsgs: 0, outBytes: 0, inMsgs: 0, inBytes: 0,
    rssBytes: Math.round(rssMiB * (1 << 20)), cpuPercent: 1, connections: 1, routes: 2, healthy: true,
  };
}

export function probe(from: string, to: string, start: number, end: number, o: { sent?: number; delivered?: number; lost?: number; gapS?: number } = {}): ProbeRecord {
  const delivered = o.delivered ?? 20;
  return {
    t: at(end), kind: 'probe', from, to, windowStart: at(start), windowEnd: at(end), sent: o.sent ?? 20, delivered, lost: o.lost ?? 0,
    duplicated: 0, reordered: 0, latencyMs: delivered > 0 ? { p50: 1, p99: 2, max: 3 } : null, longestGapMs: Math.round((o.gapS ?? 0.05) * 1000), stalled: false,
  };
}

/** One probe record per second for a pair over [from, to). */
export function steadyProbe(from: string, to: string, startS: number, endS: number): ProbeRecord[] {
  const out: ProbeRecord[] = [];
  for (let s = startS; s < endS; s++) out.push(probe(from, to, s, s + 1));
  return out;
}

/** A complete run around `records`: start at 0, end at `endS`. */
export function completeRun(endS: number, ...records: TimelineRecord[]): TimelineRecord[] {
  return [run('start', 0), ...records, run('end', endS)];
}

/** A server that stopped answering (`unreachable`) or answers again under the same ID (`up`). */
export function serverState(s: number, server: string, state: 'up' | 'unreachable', serverId?: string): ServerRecord {
  return { t: at(s), kind: 'server', server, region: server.split('-')[0]!, state, ...(serverId ? { serverId } : {}) };
}

/** One server's route pool: peers as `name:pooled[:ACC,ACC]`, pool 3 with the system account SYS pinned. */
export function pool(s: number, server: string, serverId: string, peers: string[], poolSize = 3): RoutePoolRecord {
  return {
    t: T0 + s * 1000, kind: 'route-pool', server, region: server.split('-')[0]!, serverId, poolSize, pinned: ['SYS'], newRoutes: 0,
    peers: peers.map((p) => {
      const [peer, pooled, accounts] = p.split(':');
      return { peerId: `ID-${peer}`, peer: peer!, pooled: Number(pooled), accounts: accounts ? accounts.split(',') : [] };
    }),
  };
}

/** Connections one server created in second `s` (its log). */
export function connects(s: number, server: string, routes: number, gateways = 0): ConnectsRecord {
  const second = T0 + Math.floor(s) * 1000;
  return { t: second + 1000, kind: 'connects', server, region: server.split('-')[0]!, second, routes, gateways, source: 'log' };
}

/** What one server's STATSZ said at `s`: its route peers and active servers. */
export function said(s: number, serverName: string, serverId: string, routePeers: string[], activeServers: number): StatszContentRecord {
  return { t: T0 + s * 1000, kind: 'statsz-content', serverId, serverName, routePeers, routes: routePeers.length * 4, activeServers, observedOn: 'iad-1' };
}
