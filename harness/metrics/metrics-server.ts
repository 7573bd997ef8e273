// Serves a Registry at GET /metrics on a local port (node:http). Port 0 picks a free one.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { EnvironmentError } from '../../core/errors.ts';

export interface MetricsServer {
  readonly port: number;
  /** e.g. `http://127.0.0.1:9477/metrics` */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startMetricsServer(registry: Registry, opts: { port?: number; host?: string } = {}): Promise<MetricsServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new EnvironmentError(`cannot listen on ${host}:${opts.port ?? 0} for /metrics: ${err.message}`, { cause: err })));
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}/metrics`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
