// The observer's own client of the monitoring endpoints: node:http with a keep-alive agent and a
// bounded socket pool. The observer reads 3-4 endpoints of every server every round, and fetch()
// (undici, web streams) costs several times more CPU per small request than a plain http.get on
// a reused socket; at 96 servers that difference is most of the observer's budget.
import http from 'node:http';
import type { Gatewayz, MonitorEndpoint, MonitorSnapshot, Routez, Varz } from '../../core/nats-monitoring.ts';

export interface MonitorClient {
  get<T>(monitorUrl: string, endpoint: MonitorEndpoint, timeoutMs: number): Promise<T>;
  /** /varz, /routez, /gatewayz; /healthz only when `health` is true (else `healthy` is the caller's last). */
  snapshot(monitorUrl: string, timeoutMs: number, health: boolean, lastHealthy: boolean): Promise<MonitorSnapshot>;
  close(): void;
}

export function monitorClient(maxSockets = 16): MonitorClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  const get = <T>(monitorUrl: string, endpoint: MonitorEndpoint, timeoutMs: number): Promise<T> => new Promise((resolve, reject) => {
    const url = `${monitorUrl.replace(/\/$/, '')}/${endpoint}`;
    const req = http.get(url, { agent, timeout: timeoutMs }, (res) => {
      // /healthz answers 503 with a JSON body when unhealthy; the caller decides.
      if (res.statusCode !== 200 && res.statusCode !== 503) {
        res.resume();
        reject(new Error(`${url}: HTTP ${res.statusCode}`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try { resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T); } catch (e) { reject(new Error(`${url}: ${(e as Error).message}`)); }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
  });
  return {
    get,
    async snapshot(monitorUrl, timeoutMs, health, lastHealthy) {
      const [varz, routez, gatewayz, healthy] = await Promise.all([
        get<Varz>(monitorUrl, 'varz', timeoutMs),
        get<Routez>(monitorUrl, 'routez', timeoutMs),
        get<Gatewayz>(monitorUrl, 'gatewayz', timeoutMs),
        health ? get<{ status?: string }>(monitorUrl, 'healthz', timeoutMs).then((h) => h.status === 'ok', () => false) : Promise.resolve(lastHealthy),
      ]);
      return { varz, routez, gatewayz, healthy };
    },
    close: () => agent.destroy(),
  };
}
