// `--metrics-port` for chaos, gate, cluster up and rollout serve: serve the process's one Registry at
// /metrics on 127.0.0.1 while the command runs. 9477 by default (documented in the README), 0 for a
// free port, `off` for none. Two commands at their defaults never block each other: when 9477 is
// taken, the one that comes second serves on a free port and says which; a port given explicitly
// that is taken stays an error.
import { DEFAULT_METRICS_PORT } from '../../core/layout.ts';
import { Option } from 'commander';
import type { Registry } from 'prom-client';
import { BadInputError, EnvironmentError } from '../../core/errors.ts';
import { startMetricsServer, type MetricsServer } from '../metrics/index.ts';

export { DEFAULT_METRICS_PORT };

/** `default`: 9477, or a free port when 9477 is taken (not given, so not insisted on). */
export type MetricsPort = number | 'off' | 'default';

export function metricsPortOption(): Option {
  return new Option('--metrics-port <port>', `serve /metrics on 127.0.0.1:<port> while running; 0 picks a free port, off disables`)
    .default('default', `${DEFAULT_METRICS_PORT}, or a free port when ${DEFAULT_METRICS_PORT} is taken`);
}

export function parseMetricsPort(raw: string | number | undefined): MetricsPort {
  if (raw === undefined) return 'off';
  if (raw === 'off' || raw === 'default') return raw;
  const n = Number(raw);
  if (String(raw).trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new BadInputError(`--metrics-port ${raw} is not a port`, { problems: [`--metrics-port: "${raw}"; allowed: 0..65535 (0 picks a free one) or off`] });
  }
  return n;
}

/**
 * Start serving (or not, for `off`) and say where. An explicit port in use is an EnvironmentError
 * naming it; the default port in use falls back to a free one, in one line. `defaultPort` is for tests.
 */
export async function serveMetrics(asked: MetricsPort, registry: Registry, say: (line: string) => void, defaultPort = DEFAULT_METRICS_PORT): Promise<MetricsServer | undefined> {
  if (asked === 'off') return undefined;
  if (asked === 'default') {
    try {
      return await serveMetrics(defaultPort, registry, say);
    } catch (err) {
      if (!(err instanceof EnvironmentError && /already in use/.test(err.message))) throw err;
      const server = await serveMetrics(0, registry, () => {});
      say(`metrics: ${server!.url} (127.0.0.1:${defaultPort} is taken by another process, so a free port; --metrics-port <port> to choose one)`);
      return server;
    }
  }
  const port = asked;
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
