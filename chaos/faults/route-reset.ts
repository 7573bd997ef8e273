import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { BadInputError, HarnessError } from '../../core/errors.ts';
import { monitorGet, type Varz } from '../../core/nats-monitoring.ts';
import { defineFault, pickServers, serverSelector, once } from '../fault.ts';

const run = promisify(execFile);

/** `127.0.0.1:6222` → its port. */
const portOf = (addr: string): number => Number(addr.slice(addr.lastIndexOf(':') + 1));

/**
 * Destroy (`ss -K`, the kernel's SOCK_DESTROY: both ends see the connection reset) every route
 * socket of the process listening on `clusterPort`: the ones it accepted (local port = its cluster
 * port) and the ones it dialed (remote port = a peer's cluster port). Returns how many.
 */
async function destroyRouteSockets(clusterPort: number, peerPorts: ReadonlySet<number>): Promise<number> {
  const listen = await run('ss', ['-tlnpH', `( sport = :${clusterPort} )`], { timeout: 15_000 });
  const pid = /pid=(\d+)/.exec(listen.stdout)?.[1];
  if (!pid) return 0;
  const est = await run('ss', ['-tnpH', 'state', 'established'], { timeout: 15_000 });
  let n = 0;
  for (const line of est.stdout.split('\n')) {
    if (!line.includes(`pid=${pid},`)) continue;
    const [local, remote] = line.trim().split(/\s+/).slice(2, 4) as [string, string];
    if (portOf(local) !== clusterPort && !peerPorts.has(portOf(remote))) continue;
    await run('ss', ['-K', '-tnH', 'state', 'established', `( sport = :${portOf(local)} and dport = :${portOf(remote)} )`], { timeout: 15_000 });
    n += 1;
  }
  return n;
}

// Routes are not behind Toxiproxy (within a region servers route directly), so this fault acts at
// the socket: every `everyMs` (the first at apply) it destroys every route connection of each
// target, accepted or dialed. Local backend only: the sockets must be in this host's namespace.
export const routeReset = defineFault({
  type: 'route-reset',
  description: "reset (kernel socket destroy) every route connection of the servers, again every everyMs while applied; local backend only",
  attributes: z.strictObject({ ...serverSelector, everyMs: z.number().int().min(100).max(60_000).default(1000) }),
  async apply(ctx, a) {
    if (ctx.cluster.backend !== 'local') {
      throw new BadInputError(`route-reset: needs the local backend (route sockets in this host's namespace); this cluster runs on ${ctx.cluster.backend}`);
    }
    const targets = pickServers(ctx, a);
    const portOf = async (n: string): Promise<number> => {
      const port = (await monitorGet<Varz>(ctx.cluster.server(n).endpoint().monitorUrl, 'varz')).cluster?.cluster_port;
      if (!port) throw new BadInputError(`route-reset: ${n} reports no cluster port in /varz`);
      return port;
    };
    const all = new Map(await Promise.all(ctx.cluster.servers().map(async (s) => [s.name, await portOf(s.name)] as const)));
    const ports = targets.map((n) => all.get(n)!);
    const peerPorts = new Set(all.values());
    let resets = 0;
    let stopped = false;
    let lastError = '';
    const round = async (): Promise<number> => {
      let n = 0;
      for (const p of ports) n += await destroyRouteSockets(p, peerPorts).catch((err: Error) => { lastError = err.message; return 0; });
      resets += n;
      return n;
    };
    // A fault that did nothing must not pass for one (ss timing out on a loaded machine did once).
    if ((await round()) === 0) {
      throw new HarnessError(`route-reset: no route socket of ${targets.join(', ')} was destroyed${lastError ? ` (${lastError})` : ' (ss found none)'}`);
    }
    const timer = setInterval(() => { if (!stopped) void round(); }, a.everyMs);
    return {
      targets,
      attributes: { ports },
      revert: once(async () => {
        stopped = true;
        clearInterval(timer);
        ctx.log(`route-reset: ${resets} route socket(s) destroyed on ${targets.join(', ')}`);
      }),
    };
  },
});
