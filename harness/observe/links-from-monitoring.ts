// Turns one server's /routez and /gatewayz into link observations for every link it should have:
// a route to every other server of its region, an outbound gateway to every other region. Whether
// a link is up is decided by the one link rule (clusters/link-rule.ts), the same as the mesh check.
import { gatewayState, routeState } from '../../clusters/link-rule.ts';
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

/** Server IDs the observer knows: this round's, or the last one read for a server that did not answer. */
export interface KnownIds {
  /** Server name → server ID. */
  readonly servers: ReadonlyMap<string, string>;
  /** Region → IDs of its servers; a region with none known is absent. */
  readonly regions: ReadonlyMap<string, ReadonlySet<string>>;
}

export const NO_IDS: KnownIds = { servers: new Map(), regions: new Map() };

/**
 * `snapshot` undefined: the server did not answer, so every link of it is `unknown` (the link
 * state machine decides when that means down). `handshakeRegions`: regions to which the server
 * holds an open connection that /gatewayz does not list as a registered outbound (found from the
 * process's sockets, when the backend allows it). With `ids`, a route or gateway to a stale
 * server ID is down (the mesh check's rule); without, routes count by name.
 */
export function observeLinks(e: ExpectedLinks, snapshot: MonitorSnapshot | undefined, handshakeRegions: ReadonlySet<string> = new Set(), ids: KnownIds = NO_IDS): LinkObservation[] {
  const base = { server: e.server, region: e.region };
  if (!snapshot) {
    return [
      ...e.routePeers.map((peer): LinkObservation => ({ ...base, linkType: 'route', peer, state: 'unknown', detail: 'server unreachable' })),
      ...e.gatewayPeers.map((peer): LinkObservation => ({ ...base, linkType: 'gateway', peer, state: 'unknown', detail: 'server unreachable' })),
    ];
  }
  const out: LinkObservation[] = [];
  for (const peer of e.routePeers) {
    const id = ids.servers.get(peer);
    out.push({ ...base, linkType: 'route', peer, state: routeState(snapshot.routez.routes, { name: peer, ...(id ? { id } : {}) }), ...(id ? { detail: `peer ${id}` } : {}) });
  }
  for (const peer of e.gatewayPeers) {
    const g = gatewayState(snapshot.gatewayz, peer, ids.regions.get(peer), handshakeRegions.has(peer));
    const outbound = snapshot.gatewayz.outbound_gateways?.[peer]?.connection !== undefined;
    const inbound = snapshot.gatewayz.inbound_gateways?.[peer]?.length ?? 0;
    out.push({ ...base, linkType: 'gateway', peer, state: g.state, detail: `outbound ${outbound ? 1 : 0}${g.remoteId ? ` to ${g.remoteId}` : ''}, inbound ${inbound}` });
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

/** Remote regions with no registered outbound gateway: where a handshake may be stuck. */
export function regionsWithoutOutbound(snapshot: MonitorSnapshot, regions: readonly string[]): string[] {
  return regions.filter((r) => !snapshot.gatewayz.outbound_gateways?.[r]?.connection);
}

/** Of `regions`, those to which one of the server's open sockets (`ip:port`) goes: a handshake in progress. */
export function handshakeRegions(snapshot: MonitorSnapshot, regions: readonly string[], openSockets: ReadonlySet<string>): Set<string> {
  const addrs = gatewayAddresses(snapshot);
  return new Set(regions.filter((r) => [...(addrs.get(r) ?? [])].some((a) => openSockets.has(a))));
}
