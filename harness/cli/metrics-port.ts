// `--metrics-port` for chaos, gate and cluster up: serve the process's one Registry at /metrics on
// 127.0.0.1 while the command runs. 9477 by default (documented in the README), 0 for a free port,
// `off` for none.
import { DEFAULT_METRICS_PORT } from '../../core/layout.ts';
import { Option } from 'commander';
import type { Registry } from 'prom-client';
import { BadInputError, EnvironmentError } from '../../core/errors.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/index.ts';

export { DEFAULT_METRICS_PORT };

export type MetricsPort = number | 'off';

export function metricsPortOption(): Option {
  return new Option('--metrics-port <port>', `serve /metrics on 127.0.0.1:<port> while running; 0 picks a free port, off disables`)
    .default(String(DEFAULT_METRICS_PORT));
}

export function parseMetricsPort(raw: string | number | undefined): MetricsPort {
  if (raw === undefined) return 'off';
  if (raw === 'off') return 'off';
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new BadInputError(`--metrics-port ${raw} is not a port`, { problems: [`--metrics-port: "${raw}"; allowed: 0..65535 (0 picks a free one) or off`] });
  }
  return n;
}

/** Start serving (or not, for `off`) and say where; a port in use is an EnvironmentError naming it. */
export async function serveMetrics(port: MetricsPort, registry: Registry, say: (line: string) => void): Promise<MetricsServer | undefined> {
  if (port === 'off') return undefined;
  try {
    const server = await startMetricsServer(registry, { port, host: '127.0.0.1' });
    say(`metrics: ${server.url}`);
    return server;
  } catch (err) {
    const inUse = err instanceof Error && /EADDRINUSE/.test(err.message);
    throw new EnvironmentError(`--metrics-port ${port}: ${inUse ? `127.0.0.1:${port} is already in use` : `cannot serve /metrics on 127.0.0.1:${port}`}`, {
      cause: err, hint: 'pick another with --metrics-port <port>, 0 for a free one, or off',
    });
  }
}
