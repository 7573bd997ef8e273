// One server's sample in one round, turned into records: whether it answered or restarted (a new
// server ID), its /varz counters as deltas since the previous sample of the same process, and its
// per-connection out counters for the cross-check. Pure: the previous track comes in, the next goes out.
import type { MonitorSnapshot, Varz } from '../../core/nats-monitoring.ts';
import type { ServerRecord, TimelineRecord, VarzRecord } from '../timeline/records.ts';
import { cpuPercent, type ProcessSample } from './local-process.ts';
import { samplePool, type PoolTrack } from './route-pool.ts';

/** What the I/O edge fetched from one server in one round. */
export interface ServerRound {
  name: string;
  region: string;
  /** Undefined: the monitoring fetch failed or timed out. */
  snap?: MonitorSnapshot;
  error?: string;
  proc?: ProcessSample;
  /** Regions to which the server holds a socket that /gatewayz does not list as a registered outbound. */
  handshakeRegions?: ReadonlySet<string>;
}

type Counters = Pick<Varz, 'out_msgs' | 'out_bytes' | 'in_msgs' | 'in_bytes'>;

/** What the observer remembers of one server between rounds. */
export interface ServerTrack {
  id?: string;
  reachable?: boolean;
  varz?: Counters & { t: number };
  /** Out counters per connection (`r<rid>`, `go<cid>:<region>`, `gi<cid>:<region>`). */
  conns: ReadonlyMap<string, { msgs: number; bytes: number }>;
  proc?: ProcessSample & { t: number };
  /** The route pool last written (routes.poolComplete). */
  pool?: PoolTrack;
}

/** Sums over servers for the `statsz-check` record. */
export interface CrossCheck {
  varzOutMsgs: number; varzOutBytes: number;
  routeOutMsgs: number; routeOutBytes: number;
  gatewayOutMsgs: number; gatewayOutBytes: number;
  servers: number;
}

export const emptyCheck = (): CrossCheck => ({ varzOutMsgs: 0, varzOutBytes: 0, routeOutMsgs: 0, routeOutBytes: 0, gatewayOutMsgs: 0, gatewayOutBytes: 0, servers: 0 });

export function addChecks(a: CrossCheck, b: CrossCheck): CrossCheck {
  return {
    varzOutMsgs: a.varzOutMsgs + b.varzOutMsgs, varzOutBytes: a.varzOutBytes + b.varzOutBytes,
    routeOutMsgs: a.routeOutMsgs + b.routeOutMsgs, routeOutBytes: a.routeOutBytes + b.routeOutBytes,
    gatewayOutMsgs: a.gatewayOutMsgs + b.gatewayOutMsgs, gatewayOutBytes: a.gatewayOutBytes + b.gatewayOutBytes,
    servers: a.servers + b.servers,
  };
}

/** A `server` record when reachability changed or the server came back with a new ID. */
export function reachabilityRecord(track: ServerTrack, s: ServerRound, t: number): ServerRecord | undefined {
  const base = { t, kind: 'server' as const, server: s.name, region: s.region };
  if (!s.snap) {
    if (track.reachable === false) return undefined;
    return { ...base, state: 'unreachable', ...(track.id ? { serverId: track.id } : {}), ...(s.error ? { error: s.error } : {}) };
  }
  const id = s.snap.varz.server_id;
  if (track.id !== undefined && track.id !== id) return { ...base, state: 'restarted', serverId: id, previousId: track.id };
  if (track.reachable !== true) return { ...base, state: 'up', serverId: id };
  return undefined;
}

/** Out counters of every route and gateway connection of the server. */
export function connectionCounters(snap: MonitorSnapshot): Map<string, { msgs: number; bytes: number }> {
  const conns = new Map<string, { msgs: number; bytes: number }>();
  for (const r of snap.routez.routes ?? []) conns.set(`r${r.rid}`, { msgs: r.out_msgs, bytes: r.out_bytes });
  for (const [name, g] of Object.entries(snap.gatewayz.outbound_gateways ?? {})) {
    if (g.connection) conns.set(`go${g.connection.cid}:${name}`, { msgs: g.connection.out_msgs, bytes: g.connection.out_bytes });
  }
  for (const [name, list] of Object.entries(snap.gatewayz.inbound_gateways ?? {})) {
    for (const g of list) if (g.connection) conns.set(`gi${g.connection.cid}:${name}`, { msgs: g.connection.out_msgs, bytes: g.connection.out_bytes });
  }
  return conns;
}

/** Route and gateway out deltas; a connection new since the last sample counts from zero. */
export function connectionDeltas(prev: ServerTrack['conns'], cur: ServerTrack['conns']): Pick<CrossCheck, 'routeOutMsgs' | 'routeOutBytes' | 'gatewayOutMsgs' | 'gatewayOutBytes'> {
  const out = { routeOutMsgs: 0, routeOutBytes: 0, gatewayOutMsgs: 0, gatewayOutBytes: 0 };
  for (const [key, c] of cur) {
    const p = prev.get(key);
    const dm = Math.max(0, c.msgs - (p?.msgs ?? 0));
    const db = Math.max(0, c.bytes - (p?.bytes ?? 0));
    if (key.startsWith('r')) { out.routeOutMsgs += dm; out.routeOutBytes += db; } else { out.gatewayOutMsgs += dm; out.gatewayOutBytes += db; }
  }
  return out;
}

function varzRecord(track: ServerTrack, s: ServerRound & { snap: MonitorSnapshot }, t: number, sameProcess: boolean): VarzRecord {
  const v = s.snap.varz;
  const prev = sameProcess ? track.varz : undefined;
  const d = (k: keyof Counters): number => (prev ? Math.max(0, v[k] - prev[k]) : 0);
  const procCpu = s.proc && track.proc ? cpuPercent(track.proc, s.proc, t - track.proc.t) : undefined;
  return {
    t, kind: 'varz', server: s.name, region: s.region, serverId: v.server_id, intervalMs: prev ? t - prev.t : 0,
    outMsgs: d('out_msgs'), outBytes: d('out_bytes'), inMsgs: d('in_msgs'), inBytes: d('in_bytes'),
    rssBytes: v.mem, cpuPercent: Math.max(0, v.cpu),
    ...(s.proc ? { procRssBytes: s.proc.rssBytes } : {}), ...(procCpu !== undefined ? { procCpuPercent: procCpu } : {}),
    connections: v.connections, routes: v.routes, healthy: s.snap.healthy,
    ...(v.version !== undefined ? { version: v.version } : {}), ...(v.slow_consumers !== undefined ? { slowConsumers: v.slow_consumers } : {}),
  };
}

/** One server, one round: its records, its part of the cross-check, and its next track. */
export function sampleServer(prev: ServerTrack | undefined, s: ServerRound, t: number): { track: ServerTrack; records: TimelineRecord[]; check: CrossCheck } {
  const track: ServerTrack = prev ?? { conns: new Map() };
  const records: TimelineRecord[] = [];
  const reach = reachabilityRecord(track, s, t);
  if (reach) records.push(reach);
  const proc = s.proc ? { ...s.proc, t } : undefined;
  if (!s.snap) return { track: { ...track, reachable: false, proc }, records, check: emptyCheck() };
  const snap = s.snap;
  const v = snap.varz;
  const sameProcess = track.varz !== undefined && track.id === v.server_id;
  const vr = varzRecord(track, { ...s, snap }, t, sameProcess);
  records.push(vr);
  const pool = samplePool(track.pool, s, snap, t);
  if (pool.record) records.push(pool.record);
  const conns = connectionCounters(snap);
  const check = sameProcess
    ? { ...connectionDeltas(track.conns, conns), varzOutMsgs: vr.outMsgs, varzOutBytes: vr.outBytes, servers: 1 }
    : emptyCheck();
  const next: ServerTrack = {
    id: v.server_id, reachable: true, conns, proc, pool: pool.track,
    varz: { t, out_msgs: v.out_msgs, out_bytes: v.out_bytes, in_msgs: v.in_msgs, in_bytes: v.in_bytes },
  };
  return { track: next, records, check };
}
