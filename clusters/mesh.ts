// Is the super-cluster fully meshed? A server is meshed when every link it should have is up by the
// one link rule (clusters/link-rule.ts): a route to the *current* ID of every peer in its region and
// an outbound gateway, past its INFO, to a current server of every other region. Stale IDs (a peer
// restarted) count as missing; so does a link to a server whose monitor did not answer.
import type { ServerEndpoint } from './view.ts';
import { monitorGet, type Gatewayz, type Routez, type Varz } from '../core/nats-monitoring.ts';
import { gatewayState, routeState } from './link-rule.ts';
import { waitFor } from './wait.ts';
import { mapLimit, POLL_CONCURRENCY } from './limit.ts';

export interface ServerSnapshot {
  varz: Varz;
  routez: Routez;
  gatewayz: Gatewayz;
}

export interface OutboundGateway {
  region: string;
  /** `ip:port` the server dialed. */
  address: string;
  remoteId?: string;
}

export interface ServerMesh {
  name: string;
  region: string;
  variant: string;
  reachable: boolean;
  serverId?: string;
  routes: { up: number; expected: number; missing: string[] };
  gateways: { up: number; expected: number; missing: string[] };
  outbound: OutboundGateway[];
  /** Inbound gateway connections, all regions together. */
  inbound: number;
  rssBytes?: number;
  uptime?: string;
  error?: string;
}

export interface MeshReport {
  complete: boolean;
  servers: ServerMesh[];
  /** One line per missing route or gateway, e.g. `iad-1: gateway to syd`. */
  missing: string[];
}

/** Pure: from per-server snapshots (or the error reading them) to a report. */
export function evaluateMesh(endpoints: ServerEndpoint[], snaps: Map<string, ServerSnapshot | Error>): MeshReport {
  const regions = [...new Set(endpoints.map((e) => e.region))];
  const idOf = new Map<string, string>();
  for (const [name, s] of snaps) if (!(s instanceof Error)) idOf.set(name, s.varz.server_id);
  const regionIds = new Map(regions.map((r) => [r, new Set(endpoints.filter((e) => e.region === r).map((e) => idOf.get(e.name)).filter((x): x is string => !!x))]));

  const servers = endpoints.map((e): ServerMesh => {
    const peers = endpoints.filter((p) => p.region === e.region && p.name !== e.name);
    const remotes = regions.filter((r) => r !== e.region);
    const base = { name: e.name, region: e.region, variant: e.variant };
    const snap = snaps.get(e.name);
    if (!snap || snap instanceof Error) {
      return {
        ...base, reachable: false, error: snap?.message ?? 'not read',
        routes: { up: 0, expected: peers.length, missing: peers.map((p) => p.name) },
        gateways: { up: 0, expected: remotes.length, missing: remotes },
        outbound: [], inbound: 0,
      };
    }
    // A peer whose monitor did not answer has no known ID: strict, so its route counts as missing.
    const missingRoutes = peers.filter((p) => { const id = idOf.get(p.name); return !id || routeState(snap.routez.routes, { name: p.name, id }) !== 'up'; }).map((p) => p.name);
    const outbound: OutboundGateway[] = Object.entries(snap.gatewayz.outbound_gateways ?? {})
      .filter(([, g]) => g.connection)
      .map(([region, g]) => ({ region, address: `${g.connection!.ip}:${g.connection!.port}`, remoteId: g.connection!.name || undefined }));
    const missingGws = remotes.filter((r) => gatewayState(snap.gatewayz, r, regionIds.get(r) ?? new Set()).state !== 'up');
    return {
      ...base, reachable: true, serverId: snap.varz.server_id,
      routes: { up: peers.length - missingRoutes.length, expected: peers.length, missing: missingRoutes },
      gateways: { up: remotes.length - missingGws.length, expected: remotes.length, missing: missingGws },
      outbound, inbound: Object.values(snap.gatewayz.inbound_gateways ?? {}).reduce((n, l) => n + l.length, 0),
      rssBytes: snap.varz.mem, uptime: snap.varz.uptime,
    };
  });
  const missing = servers.flatMap((s) => [
    ...(s.reachable ? [] : [`${s.name}: monitor unreachable (${s.error})`]),
    ...(s.reachable ? s.routes.missing.map((p) => `${s.name}: route to ${p}`) : []),
    ...(s.reachable ? s.gateways.missing.map((r) => `${s.name}: gateway to ${r}`) : []),
  ]);
  return { complete: missing.length === 0, servers, missing };
}

export async function snapshotMesh(endpoints: ServerEndpoint[]): Promise<MeshReport> {
  const snaps = new Map<string, ServerSnapshot | Error>();
  // Bounded: 3 requests × 96 servers at once would cost the harness (and the servers) a CPU spike.
  await mapLimit(endpoints, POLL_CONCURRENCY, async (e) => {
    try {
      const [varz, routez, gatewayz] = await Promise.all([
        monitorGet<Varz>(e.monitorUrl, 'varz'), monitorGet<Routez>(e.monitorUrl, 'routez'), monitorGet<Gatewayz>(e.monitorUrl, 'gatewayz'),
      ]);
      snaps.set(e.name, { varz, routez, gatewayz });
    } catch (err) {
      snaps.set(e.name, err instanceof Error ? err : new Error(String(err)));
    }
  });
  return evaluateMesh(endpoints, snaps);
}

export async function waitForMesh(endpoints: () => ServerEndpoint[], deadlineMs: number): Promise<MeshReport> {
  const n = endpoints().length;
  return waitFor(`full mesh of ${n} servers`, deadlineMs, async () => {
    const r = await snapshotMesh(endpoints());
    return r.complete ? { done: true, value: r } : { done: false, missing: summarize(r.missing) };
  }, meshPollMs(n));
}

/** Pause between mesh checks: 200 ms for a few servers, up to 1 s at 100 (a check reads 3 endpoints per server). */
export function meshPollMs(servers: number): number {
  return Math.min(1000, Math.max(200, servers * 10));
}

/** Outbound gateways that dial anything but a proxy. */
export function gatewayBypasses(report: MeshReport, proxyAddresses: Set<string>): string[] {
  return report.servers.flatMap((s) => s.outbound.filter((o) => !proxyAddresses.has(o.address)).map((o) => `${s.name} → ${o.region} via ${o.address}`));
}

function summarize(lines: string[]): string {
  return lines.length <= 8 ? lines.join('; ') : `${lines.slice(0, 8).join('; ')}; and ${lines.length - 8} more`;
}
