// The parts of nats-server's monitoring endpoints the observer reads, and one fetch with a
// deadline. Only the fields used are typed; the rest of each response is ignored.

export interface RouteInfo {
  rid: number;
  remote_id: string;
  /** Present since 2.10; with route pooling one peer has several routes (pool_size, default 3). */
  remote_name?: string;
  out_msgs: number;
  out_bytes: number;
}
export interface Routez { server_id: string; routes: RouteInfo[] | null }

export interface GatewayConn { cid: number; out_msgs: number; out_bytes: number; name?: string }
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
  /** RSS bytes. */
  mem: number;
  /** Percent of one core. */
  cpu: number;
  connections: number;
  routes: number;
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  gateway?: { name?: string; gateways?: { name: string; urls?: string[] }[] };
}

export interface MonitorSnapshot {
  varz: Varz;
  routez: Routez;
  gatewayz: Gatewayz;
  healthy: boolean;
}

export async function fetchJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  // /healthz answers 503 with a JSON body when unhealthy; the caller decides.
  if (!res.ok && res.status !== 503) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** One server's endpoints, fetched concurrently; throws if /varz, /routez or /gatewayz fail. */
export async function fetchSnapshot(monitorUrl: string, timeoutMs: number): Promise<MonitorSnapshot> {
  const base = monitorUrl.replace(/\/$/, '');
  const [varz, routez, gatewayz, health] = await Promise.all([
    fetchJson<Varz>(`${base}/varz`, timeoutMs),
    fetchJson<Routez>(`${base}/routez`, timeoutMs),
    fetchJson<Gatewayz>(`${base}/gatewayz`, timeoutMs),
    fetchJson<{ status?: string }>(`${base}/healthz`, timeoutMs).catch(() => ({ status: 'error' })),
  ]);
  return { varz, routez, gatewayz, healthy: health.status === 'ok' };
}
