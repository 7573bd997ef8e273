// The one rule for "is this link up", read from one server's /routez and /gatewayz. The mesh check
// (clusters/mesh.ts) and the observer (harness/observe) both decide with it. Pure.
import type { Gatewayz, RouteInfo } from '../core/nats-monitoring.ts';

/** The same words as the timeline's link states. */
export type RuleLinkState = 'up' | 'down' | 'handshake';

/**
 * A route is up when the server has a route to the peer's *current* server ID (a route to a
 * restarted peer's old ID is stale, so down). When the caller does not know the peer's ID (never
 * read it), a route whose `remote_name` is the peer counts. Pooled routes (several per peer) count once.
 */
export function routeState(routes: readonly RouteInfo[] | null | undefined, peer: { name: string; id?: string }): 'up' | 'down' {
  const list = routes ?? [];
  const up = peer.id !== undefined ? list.some((r) => r.remote_id === peer.id) : list.some((r) => r.remote_name === peer.name);
  return up ? 'up' : 'down';
}

export interface GatewayLink {
  state: RuleLinkState;
  /** The remote server's ID, once its INFO arrived. */
  remoteId?: string;
  /** `ip:port` the outbound dialed, when there is a registered outbound. */
  address?: string;
}

/**
 * An outbound gateway is up when it is registered (past the remote's INFO, so it names the remote
 * server's ID) and that ID is a current server of the region. `regionIds` undefined: the caller
 * knows no ID of that region, so a registered outbound counts. Not up, but with an open socket to
 * the region (`openSocket`, from the process's sockets): `handshake`, the stuck-gateway state.
 */
export function gatewayState(gatewayz: Gatewayz, region: string, regionIds?: ReadonlySet<string>, openSocket = false): GatewayLink {
  const conn = gatewayz.outbound_gateways?.[region]?.connection;
  const remoteId = conn?.name || undefined;
  const address = conn ? `${conn.ip}:${conn.port}` : undefined;
  const up = conn !== undefined && remoteId !== undefined && (regionIds === undefined || regionIds.has(remoteId));
  const state: RuleLinkState = up ? 'up' : openSocket ? 'handshake' : 'down';
  return { state, ...(remoteId ? { remoteId } : {}), ...(address ? { address } : {}) };
}
