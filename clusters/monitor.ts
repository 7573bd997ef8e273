// Typed reads of the nats-server monitoring endpoints we rely on (only the fields we use).
export interface Varz {
  server_id: string;
  server_name: string;
  mem: number;
  uptime: string;
  start: string;
}

export interface Routez {
  routes: { remote_id: string; remote_name?: string; ip: string; port: number }[] | null;
}

export interface GatewayConn {
  ip: string;
  port: number;
  /** For an outbound gateway: the remote server's ID, once its INFO arrived. */
  name?: string;
}

export interface Gatewayz {
  outbound_gateways: Record<string, { configured: boolean; connection?: GatewayConn }>;
  inbound_gateways: Record<string, { configured: boolean; connection?: GatewayConn }[]>;
}

export async function monitorGet<T>(baseUrl: string, path: 'varz' | 'routez' | 'gatewayz', timeoutMs = 2000): Promise<T> {
  const res = await fetch(`${baseUrl}/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${baseUrl}/${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}
