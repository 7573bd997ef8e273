// The one client of nats-server's monitoring endpoints (/varz, /routez, /gatewayz, /healthz) that
// the backends, the mesh check, the observer and the benches share. Only the fields we read are
// typed; the rest of each response is ignored.

export interface RouteInfo {
  rid: number;
  remote_id: string;
  /** Present since 2.10; with route pooling one peer has several routes (pool_size, default 3). */
  remote_name?: string;
  ip: string;
  port: number;
  out_msgs: number;
  out_bytes: number;
  /** Bytes queued for this route and not yet written to its socket. */
  pending_size?: number;
  /** Set on a route pinned to one account (since 2.10: the system account, and `cluster { accounts }`). */
  account?: string;
}
export interface Routez { server_id: string; routes: RouteInfo[] | null }

export interface GatewayConn {
  cid: number;
  ip: string;
  port: number;
  /** For an outbound gateway: the remote server's ID, once its INFO arrived. */
  name?: string;
  out_msgs: number;
  out_bytes: number;
  /** Bytes queued for this connection and not yet written to its socket. */
  pending_bytes?: number;
}
export interface RemoteGateway { configured: boolean; connection?: GatewayConn }
export interface Gatewayz {
  server_id: string;
  name?: string;
  /** Registered outbound gateways only: an outbound still in its handshake is not listed. */
  outbound_gateways: Record<string, RemoteGateway> | null;
  inbound_gateways: Record<string, RemoteGateway[]> | null;
}

export interface Varz {
  server_id: string;
  server_name: string;
  version: string;
  /** RSS bytes. */
  mem: number;
  /** Percent of one core. */
  cpu: number;
  uptime: string;
  start: string;
  connections: number;
  routes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  slow_consumers: number;
  gateway?: { name?: string; gateways?: { name: string; urls?: string[] }[] };
  /** `pool_size`: the configured route pool size (since 2.10; absent when 0, -1 when pooling is off). */
  cluster?: { name?: string; cluster_port?: number; pool_size?: number };
  system_account?: string;
}

export interface MonitorSnapshot {
  varz: Varz;
  routez: Routez;
  gatewayz: Gatewayz;
  healthy: boolean;
}

export type MonitorEndpoint = 'varz' | 'routez' | 'gatewayz' | 'healthz';

export async function fetchJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  // /healthz answers 503 with a JSON body when unhealthy; the caller decides.
  if (!res.ok && res.status !== 503) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** One endpoint of one server: `monitorGet<Varz>('http://127.0.0.1:8222', 'varz')`. */
export function monitorGet<T>(monitorUrl: string, endpoint: MonitorEndpoint, timeoutMs = 2000): Promise<T> {
  return fetchJson<T>(`${monitorUrl.replace(/\/$/, '')}/${endpoint}`, timeoutMs);
}

/** One server's endpoints, fetched concurrently; throws if /varz, /routez or /gatewayz fail. */
export async function fetchSnapshot(monitorUrl: string, timeoutMs: number): Promise<MonitorSnapshot> {
  const [varz, routez, gatewayz, health] = await Promise.all([
    monitorGet<Varz>(monitorUrl, 'varz', timeoutMs),
    monitorGet<Routez>(monitorUrl, 'routez', timeoutMs),
    monitorGet<Gatewayz>(monitorUrl, 'gatewayz', timeoutMs),
    monitorGet<{ status?: string }>(monitorUrl, 'healthz', timeoutMs).catch(() => ({ status: 'error' })),
  ]);
  return { varz, routez, gatewayz, healthy: health.status === 'ok' };
}
