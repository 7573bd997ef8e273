// Turns one server's /routez and /gatewayz into link observations for every link it should have:
// a route to every other server of its region, an outbound gateway to every other region.
import type { LinkObservation } from './link-state.ts';
import type { MonitorSnapshot } from '../../core/nats-monitoring.ts';

export interface ExpectedLinks {
  server: string;
  region: string;
  /** Other servers of the same region. */
  routePeers: readonly string[];
  /** Other regions. */
  gatewayPeers: readonly string[];
}

/**
 * `snapshot` undefined: the server did not answer, so all its links are down. `handshakeRegions`:
 * regions to which the server holds an open connection that /gatewayz does not list as a
 * registered outbound (found from the process's sockets, when the backend allows it).
 */
export function observeLinks(e: ExpectedLinks, snapshot: MonitorSnapshot | undefined, handshakeRegions: ReadonlySet<string> = new Set()): LinkObservation[] {
  const out: LinkObservation[] = [];
  const base = { server: e.server, region: e.region };
  const routes = snapshot?.routez.routes ?? [];
  for (const peer of e.routePeers) {
    const n = routes.filter((r) => r.remote_name === peer).length;
    out.push({ ...base, linkType: 'route', peer, state: n > 0 ? 'up' : 'down', ...(snapshot ? {} : { detail: 'server unreachable' }) });
  }
  for (const peer of e.gatewayPeers) {
    if (!snapshot) {
      out.push({ ...base, linkType: 'gateway', peer, state: 'down', detail: 'server unreachable' });
      continue;
    }
    const outbound = snapshot.gatewayz.outbound_gateways?.[peer]?.connection !== undefined;
    const inbound = snapshot.gatewayz.inbound_gateways?.[peer]?.length ?? 0;
    const state = outbound ? 'up' : handshakeRegions.has(peer) ? 'handshake' : 'down';
    out.push({ ...base, linkType: 'gateway', peer, state, detail: `outbound ${outbound ? 1 : 0}, inbound ${inbound}` });
  }
  return out;
}

/** Configured gateway addresses (`host:port`) per remote region, from /varz. */
export function gatewayAddresses(snapshot: MonitorSnapshot): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const g of snapshot.varz.gateway?.gateways ?? []) {
    m.set(g.name, new Set((g.urls ?? []).map((u) => u.replace(/^[a-z]+:\/\//, '').replace(/^localhost:/, '127.0.0.1:'))));
  }
  return m;
}
