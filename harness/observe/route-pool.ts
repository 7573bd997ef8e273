// One server's route pool from its /routez and /varz, as a `route-pool` record when it changed
// (routes.poolComplete), and the server's log turned into `connects` records per second
// (routes.maxConnectsPerSecond). Pure.
import type { MonitorSnapshot } from '../../core/nats-monitoring.ts';
import type { ConnectsRecord, RoutePoolRecord } from '../timeline/records.ts';

export type PoolPeer = RoutePoolRecord['peers'][number];

/** What the observer remembers of one process's pool between rounds. */
export interface PoolTrack {
  serverId: string;
  /** The last written pool, as a comparable key. */
  key: string;
  rids: ReadonlySet<number>;
}

/** Unpinned routes per peer the server is configured for, and the accounts pinned to routes of their own. */
export function expectedPool(snap: MonitorSnapshot): { poolSize: number; pinned: string[] } {
  const size = snap.varz.cluster?.pool_size;
  // nats-server: 0 means the default (3), -1 turns pooling off (one route per peer, no pinned routes).
  if (size !== undefined && size < 0) return { poolSize: 1, pinned: [] };
  const poolSize = size && size > 0 ? size : 3;
  // Since 2.10 the system account gets a route of its own when pooling is on (opts.go setBaselineOptions).
  return { poolSize, pinned: snap.varz.system_account ? [snap.varz.system_account] : [] };
}

export function poolPeers(snap: MonitorSnapshot): PoolPeer[] {
  const byId = new Map<string, PoolPeer>();
  for (const r of snap.routez.routes ?? []) {
    const p = byId.get(r.remote_id) ?? { peerId: r.remote_id, peer: r.remote_name || r.remote_id, pooled: 0, accounts: [] };
    if (r.account) p.accounts.push(r.account);
    else p.pooled += 1;
    byId.set(r.remote_id, p);
  }
  return [...byId.values()].map((p) => ({ ...p, accounts: [...p.accounts].sort() })).sort((a, b) => a.peer.localeCompare(b.peer) || a.peerId.localeCompare(b.peerId));
}

/** The record to write this round (or none) and the next track. */
export function samplePool(prev: PoolTrack | undefined, server: { name: string; region: string }, snap: MonitorSnapshot, t: number): { record?: RoutePoolRecord; track: PoolTrack } {
  const serverId = snap.varz.server_id;
  const same = prev?.serverId === serverId;
  const { poolSize, pinned } = expectedPool(snap);
  const peers = poolPeers(snap);
  const rids = new Set((snap.routez.routes ?? []).map((r) => r.rid));
  const newRoutes = same ? [...rids].filter((r) => !prev!.rids.has(r)).length : 0;
  const key = JSON.stringify([poolSize, pinned, peers]);
  const track = { serverId, key, rids };
  if (same && key === prev!.key && newRoutes === 0) return { track };
  return { track, record: { t, kind: 'route-pool', server: server.name, region: server.region, serverId, poolSize, pinned, peers, newRoutes } };
}

// `[1234] 2026/12/05 04:33:01.123456 [INF] 127.0.0.1:6222 - rid:7 - Route connection created`
const LINE = /^\[\d+\] (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d+ \[[A-Z]+\] (.*)$/;
const ROUTE = / - rid:\d+ - Route connection created/;
const GATEWAY = / - gid:\d+ - (Creating outbound gateway connection|Processing inbound gateway connection)/;

/**
 * Route and gateway connections created per second in one server's log. The log's time has no zone:
 * read as the harness's local time (both backends stamp it that way here: the host and the
 * containers run in UTC). Lines without a time stamp are skipped.
 */
export function connectsFromLog(log: string, server: { name: string; region: string }): ConnectsRecord[] {
  const perSecond = new Map<number, { routes: number; gateways: number }>();
  for (const line of log.split('\n')) {
    const route = ROUTE.test(line);
    const gateway = !route && GATEWAY.test(line);
    if (!route && !gateway) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const second = new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime();
    const c = perSecond.get(second) ?? { routes: 0, gateways: 0 };
    if (route) c.routes += 1;
    else c.gateways += 1;
    perSecond.set(second, c);
  }
  return [...perSecond].sort(([a], [b]) => a - b).map(([second, c]) => ({
    t: second + 1000, kind: 'connects', server: server.name, region: server.region, second, ...c, source: 'log',
  }));
}

/**
 * One server's log read again and again (the whole text each time, as backends give it): counts
 * the lines not seen before and hands out the seconds that are over. A log shorter than before
 * (a new container) is read from its start.
 */
export class LogConnects {
  #consumed = 0;
  #pending: string[] = [];
  constructor(private readonly server: { name: string; region: string }) {}

  /** New records for seconds before `now`'s previous second (a second may still be written); `final`: every second. */
  read(log: string, now: number, final = false): ConnectsRecord[] {
    if (log.length < this.#consumed) this.#consumed = 0;
    const end = final ? log.length : log.lastIndexOf('\n') + 1;
    if (end > this.#consumed) {
      this.#pending.push(log.slice(this.#consumed, end));
      this.#consumed = end;
    }
    const all = connectsFromLog(this.#pending.join(''), this.server);
    const cut = Math.floor(now / 1000) * 1000 - 1000;
    const done = final ? all : all.filter((r) => r.second < cut);
    if (done.length === all.length) this.#pending = [];
    else {
      // Keep the lines of the seconds not handed out yet: re-counted next time with what follows.
      const keep = this.#pending.join('').split('\n').filter((line) => {
        const m = /^\[\d+\] (\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line);
        return m !== null && new Date(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!).getTime() >= cut;
      });
      this.#pending = keep.length ? [keep.join('\n') + '\n'] : [];
    }
    return done;
  }
}
