import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { BadInputError, HarnessError } from '../../core/errors.ts';
import { monitorGet, type Routez, type Varz } from '../../core/nats-monitoring.ts';
import { defineFault, pickServers, serverSelector, once, type FaultContext } from '../fault.ts';
import type { SocketNamespace } from '../../clusters/index.ts';

const run = promisify(execFile);
/** Every ss / nsenter call of a round is bounded by this; a round never overlaps the next. */
const ROUND_CALL_TIMEOUT_MS = 10_000;

/** `127.0.0.1:6222` → its port. */
const portOf = (addr: string): number => Number(addr.slice(addr.lastIndexOf(':') + 1));

/** One established TCP socket as `ss` prints its ends (`172.18.0.4:6222`, `[::ffff:172.18.0.4]:54070`). */
interface Socket {
  local: string;
  remote: string;
}

/** `ss` where the server's sockets are: this host's namespace, or its container's (nsenter). */
function ssIn(ns: SocketNamespace, args: string[]) {
  return ns.kind === 'host'
    ? run('ss', args, { timeout: ROUND_CALL_TIMEOUT_MS })
    : run('nsenter', ['-t', String(ns.pid), '-n', 'ss', ...args], { timeout: ROUND_CALL_TIMEOUT_MS });
}

/**
 * The established sockets of the server listening on `clusterPort`: on the host, those of its
 * process (by the pid `ss` gives the listener); in a container, every one (only the server lives there).
 */
async function serverSockets(ns: SocketNamespace, clusterPort: number): Promise<Socket[]> {
  let pid = '';
  if (ns.kind === 'host') {
    const listen = await ssIn(ns, ['-tlnpH', `( sport = :${clusterPort} )`]);
    pid = /pid=(\d+)/.exec(listen.stdout)?.[1] ?? '';
    if (!pid) return [];
  }
  const est = await ssIn(ns, [ns.kind === 'host' ? '-tnpH' : '-tnH', 'state', 'established']);
  return est.stdout.split('\n')
    .filter((line) => line.trim() && (!pid || line.includes(`pid=${pid},`)))
    .map((line) => { const [local, remote] = line.trim().split(/\s+/).slice(2, 4) as [string, string]; return { local, remote }; });
}

/**
 * Destroy one socket (`ss -K`, the kernel's SOCK_DESTROY: both ends see the connection reset), named
 * by its ports and its far address: a dialing socket may share its local port with one to another peer.
 */
async function destroySocket(ns: SocketNamespace, s: Socket): Promise<void> {
  await ssIn(ns, ['-K', '-tnH', 'state', 'established', socketFilter(s)]);
}

/** ss's filter for exactly one socket. Pure. */
function socketFilter(s: Socket): string {
  const end = socketEnd(s.remote);
  return `( dst ${end.slice(0, end.lastIndexOf(':'))} and sport = :${portOf(s.local)} and dport = :${portOf(s.remote)} )`;
}

/**
 * Every route socket of the process listening on `clusterPort`, in this host's namespace: the ones
 * it accepted (local port = its cluster port) and the ones it dialed (remote port = a peer's
 * cluster port), destroyed one by one. Returns how many.
 */
async function destroyRouteSockets(ns: SocketNamespace, clusterPort: number, peerPorts: ReadonlySet<number>): Promise<number> {
  const routes = (await serverSockets(ns, clusterPort)).filter((s) => portOf(s.local) === clusterPort || peerPorts.has(portOf(s.remote)));
  for (const s of routes) await destroySocket(ns, s);
  return routes.length;
}

/** ss's filter for route sockets: accepted on the cluster port, or dialed to a peer's. Pure. */
export function routeSocketFilter(clusterPort: number, peerPorts: ReadonlySet<number>): string {
  const dports = [...peerPorts].filter((p) => p !== clusterPort).map((p) => `dport = :${p}`);
  return `( ${[`sport = :${clusterPort}`, `dport = :${clusterPort}`, ...dports].join(' or ')} )`;
}

/**
 * The same in a container's network namespace, entered from this host (`nsenter -t <pid> -n`, as
 * the docker backend does for iptables): only the server lives there, so every socket the filter
 * matches is one of its routes. `ss -K` prints the sockets it destroyed; returns how many.
 */
async function destroyRouteSocketsIn(pid: number, clusterPort: number, peerPorts: ReadonlySet<number>): Promise<number> {
  const out = await run('nsenter', ['-t', String(pid), '-n', 'ss', '-K', '-tnH', 'state', 'established', routeSocketFilter(clusterPort, peerPorts)], { timeout: ROUND_CALL_TIMEOUT_MS });
  return out.stdout.split('\n').filter((l) => l.trim()).length;
}

/** A socket's far end as `ss` prints it (`172.18.0.4:6222`, `[::ffff:172.18.0.4]:54070`) → `ip:port`. Pure. */
export function socketEnd(addr: string): string {
  const port = portOf(addr);
  const host = addr.slice(0, addr.lastIndexOf(':')).replace(/^\[(?:::ffff:)?/, '').replace(/\]$/, '');
  return `${host}:${port}`;
}

/** Which route connections a round may take: every one, the pool's slots, or those pinned to an account ($SYS). */
export type RouteKind = 'any' | 'pooled' | 'pinned';

/** A far end (`ip:port`) → the accounts of the routes that have it (`''`: pooled), from one /routez. */
type EndIndex = Map<string, string[]>;

const indexEnds = (routes: readonly { ip: string; port: number; account?: string }[]): EndIndex => {
  const out: EndIndex = new Map();
  for (const r of routes) out.set(`${r.ip}:${r.port}`, [...(out.get(`${r.ip}:${r.port}`) ?? []), r.account ?? '']);
  return out;
};

/**
 * Pure: what one socket of a server is, from the two /routez views of its routes: `mine` (the
 * server's, far ends on the peers' side) and `theirs` (the peers', far ends on this server's side).
 * Every route one side dialed has the same far end there (the other's cluster port), so a socket is
 * known by the side whose port is its own: this server's local port in the peers' view, or the
 * peer's port in this server's. Undefined: not a route to those peers, or not told apart.
 */
export function socketRoute(local: string, remote: string, mine: EndIndex, theirs: EndIndex): { pinned: boolean } | undefined {
  if (!mine.has(socketEnd(remote))) return undefined;
  const byLocal = theirs.get(socketEnd(local));
  const byRemote = mine.get(socketEnd(remote))!;
  const accounts = byLocal?.length === 1 ? byLocal : byRemote.length === 1 ? byRemote : undefined;
  return accounts ? { pinned: accounts[0] !== '' } : undefined;
}

/**
 * Destroy the route sockets of server `target` to `peers` (every peer when absent) of the given
 * kind, as `choose` picks them (all, or one): on local among the sockets of the process listening on
 * `clusterPort`, on docker in its container's namespace. Each socket's kind comes from both sides'
 * /routez (socketRoute). Returns how many.
 */
async function destroyRoutesTo(ctx: FaultContext, target: string, ns: SocketNamespace, clusterPort: number, sel: { peers?: readonly string[]; routes: RouteKind }, choose: (sockets: Socket[]) => Socket[]): Promise<number> {
  const routez = (n: string) => monitorGet<Routez>(ctx.cluster.server(n).endpoint().monitorUrl, 'routez');
  const own = ((await routez(target)).routes ?? []).filter((r) => sel.peers === undefined || (r.remote_name !== undefined && sel.peers.includes(r.remote_name)));
  const mine = indexEnds(own);
  // The peers' views are needed only to tell pooled from pinned.
  let theirs: EndIndex = new Map();
  if (sel.routes !== 'any') {
    const peers = [...new Set(own.map((r) => r.remote_name).filter((n): n is string => n !== undefined && ctx.cluster.servers().some((s) => s.name === n)))];
    theirs = indexEnds((await Promise.all(peers.map(async (p) => ((await routez(p)).routes ?? []).filter((r) => r.remote_name === target)))).flat());
  }
  const matching = (await serverSockets(ns, clusterPort)).filter((s) => {
    if (sel.routes === 'any') return mine.has(socketEnd(s.remote));
    return socketRoute(s.local, s.remote, mine, theirs)?.pinned === (sel.routes === 'pinned');
  });
  // In the order of their filters' text, so the seeded pick takes the same socket for the same sockets.
  const order = (a: Socket, b: Socket) => (socketFilter(a) < socketFilter(b) ? -1 : socketFilter(a) > socketFilter(b) ? 1 : 0);
  const chosen = choose(matching.sort(order));
  for (const s of chosen) await destroySocket(ns, s);
  return chosen.length;
}

/** Every server's cluster port, from its /varz. */
async function clusterPorts(ctx: FaultContext): Promise<Map<string, number>> {
  const portOf = async (n: string): Promise<number> => {
    const port = (await monitorGet<Varz>(ctx.cluster.server(n).endpoint().monitorUrl, 'varz')).cluster?.cluster_port;
    if (!port) throw new BadInputError(`route-reset: ${n} reports no cluster port in /varz`);
    return port;
  };
  return new Map(await Promise.all(ctx.cluster.servers().map(async (s) => [s.name, await portOf(s.name)] as const)));
}

/** Every route socket of the server listening on `clusterPort`, where its sockets are. */
function destroyAllRoutes(ns: SocketNamespace, clusterPort: number, peerPorts: ReadonlySet<number>): Promise<number> {
  return ns.kind === 'host' ? destroyRouteSockets(ns, clusterPort, peerPorts) : destroyRouteSocketsIn(ns.pid, clusterPort, peerPorts);
}

/** Destroy every route socket of each server once (one round of route-reset); how many, by server. */
export async function resetRoutesOnce(ctx: FaultContext, servers: readonly string[]): Promise<Record<string, number>> {
  const all = await clusterPorts(ctx);
  const peerPorts = new Set(all.values());
  const out: Record<string, number> = {};
  for (const n of servers) {
    out[n] = await destroyAllRoutes(await ctx.cluster.server(n).socketNamespace(), all.get(n)!, peerPorts);
  }
  return out;
}

// Routes are not behind Toxiproxy (within a region servers route directly), so this fault acts at
// the socket: every `everyMs` (the first at apply) it destroys every route connection of each
// target, accepted or dialed (with `peers`, only those to the named servers; with `routes: pooled`
// or `pinned`, only the pool's slots or only the routes pinned to an account; with `pick: one`, a
// single one of them per target, chosen with the run's seed, as when one socket dies alone: the
// pool's other connections stay up, so only that slot's own reconnect can refill it). Local
// backend: in this host's namespace, by the server's pid; docker: in each server container's
// namespace, entered from the host with nsenter. Rounds never overlap
// (a tick that finds the last round still running is skipped and counted), every call is bounded
// (ROUND_CALL_TIMEOUT_MS), and revert waits for the round in flight, so nothing acts after it.
export const routeReset = defineFault({
  type: 'route-reset',
  description: "reset (kernel socket destroy) every route connection of the servers (or those to `peers`, of a kind: `routes: pooled|pinned`, or `pick: one` of them), again every everyMs while applied; local (host namespace) and docker (each container's namespace, via nsenter) backends",
  attributes: z.strictObject({
    ...serverSelector,
    everyMs: z.number().int().min(100).max(60_000).default(1000),
    /** Only the route connections between the targets and these servers (by name), as each target's /routez lists them. */
    peers: z.array(z.string()).min(1).optional(),
    /** all: every matching route connection each round; one: a single one, chosen with the run's seed (the others stay up, as when one socket dies alone). */
    pick: z.enum(['all', 'one']).default('all'),
    /** Which route connections: any, pooled (the pool's slots), or pinned (routes pinned to an account, as $SYS is). */
    routes: z.enum(['any', 'pooled', 'pinned']).default('any'),
  }),
  async apply(ctx, a) {
    const targets = pickServers(ctx, a);
    const all = await clusterPorts(ctx);
    const ports = targets.map((n) => all.get(n)!);
    const peerPorts = new Set(all.values());
    // Where each target's sockets are: asked once here (fails fast on a backend that cannot reach
    // them), and again each round on docker (a restarted container has a new pid).
    const where = async (n: string): Promise<SocketNamespace> => ctx.cluster.server(n).socketNamespace();
    const namespaces: Record<string, string> = {};
    for (const n of targets) {
      const ns = await where(n);
      namespaces[n] = ns.kind === 'host' ? 'host' : `${ns.container} (pid ${ns.pid})`;
    }
    const perServer = Object.fromEntries(targets.map((n) => [n, 0]));
    let rounds = 0;
    let skipped = 0;
    let slowestMs = 0;
    let lastError = '';
    const destroy = async (n: string, port: number): Promise<number> => {
      const ns = await where(n);
      if (a.peers === undefined && a.pick === 'all' && a.routes === 'any') return destroyAllRoutes(ns, port, peerPorts);
      return destroyRoutesTo(ctx, n, ns, port, a, (sockets) => (a.pick === 'one' ? ctx.rng.pick(sockets, Math.min(1, sockets.length)) : sockets));
    };
    const round = async (): Promise<number> => {
      const t0 = Date.now();
      let n = 0;
      for (const [i, name] of targets.entries()) {
        const k = await destroy(name, ports[i]!).catch((err: Error) => { lastError = `${name}: ${err.message}`; return 0; });
        perServer[name]! += k;
        n += k;
      }
      rounds += 1;
      slowestMs = Math.max(slowestMs, Date.now() - t0);
      return n;
    };
    // A fault that did nothing must not pass for one (ss timing out on a loaded machine did once).
    if ((await round()) === 0) {
      throw new HarnessError(`route-reset: no route socket of ${targets.join(', ')} was destroyed${lastError ? ` (${lastError})` : ' (ss found none)'}`);
    }
    let stopped = false;
    let inFlight: Promise<unknown> | undefined;
    const timer = setInterval(() => {
      if (stopped) return;
      if (inFlight) { skipped += 1; return; }
      inFlight = round().finally(() => { inFlight = undefined; });
    }, a.everyMs);
    return {
      targets,
      attributes: { ports, namespaces },
      revert: once(async () => {
        stopped = true;
        clearInterval(timer);
        await inFlight;
        const counts = targets.map((n) => `${n} ${perServer[n]}`).join(', ');
        ctx.log(`route-reset: ${rounds} round(s) (${skipped} skipped while one ran, slowest ${slowestMs} ms), route sockets destroyed: ${counts}${lastError ? `; last error: ${lastError}` : ''}`);
      }),
      outcome: () => ({ rounds, skippedRounds: skipped, slowestRoundMs: slowestMs, destroyed: { ...perServer }, ...(lastError ? { lastError } : {}) }),
    };
  },
});
