// Checking dashboards without Grafana: start a real Prometheus (Debian's /usr/bin/prometheus) on
// 127.0.0.1 with its own temporary storage, let it scrape brownout's /metrics every second, and run
// each dashboard query through its HTTP API. A query that returns nothing over the run, or only
// zeros, is a panel that can never show anything.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../clusters/free-port.ts';
import { waitFor } from '../clusters/wait.ts';
import { EnvironmentError } from '../core/errors.ts';
import type { DashboardQuery } from './queries.ts';

export const PROMETHEUS_BINARIES = ['/usr/bin/prometheus', '/usr/local/bin/prometheus'];

export function findPrometheus(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' }).stdout.trim();
  return [onPath, ...PROMETHEUS_BINARIES].find((p) => p && existsSync(p));
}

export interface StartedPrometheus {
  readonly url: string;
  readonly pid: number;
  /** `query_range` over [start, end] (ms epoch) at `stepSeconds`; the result's series. */
  queryRange(expr: string, startMs: number, endMs: number, stepSeconds: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  /** Samples scraped from the target so far (Prometheus's own `up` series). */
  scrapes(): Promise<number>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string, opts: { binary?: string; readyMs?: number } = {}): Promise<StartedPrometheus> {
  const binary = opts.binary ?? findPrometheus();
  if (!binary) throw new EnvironmentError('prometheus is not installed', { hint: 'apt-get install prometheus' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-prometheus-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:', '  scrape_interval: 1s', '  evaluation_interval: 1s',
    'scrape_configs:', '  - job_name: brownout', '    static_configs:', `      - targets: ["${target}"]`, '',
  ].join('\n'));
  const child: ChildProcess = spawn(binary, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${url}${p}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${p}: ${body.error ?? res.status}`);
    return body.data;
  };
  try {
    await waitFor(`prometheus ready at ${url}`, opts.readyMs ?? 30_000, async () => {
      if (child.exitCode !== null) throw new EnvironmentError(`prometheus exited with ${child.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      return ok ? { done: true, value: true } : { done: false, missing: 'not ready' };
    }, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    pid: child.pid!,
    queryRange: async (expr, startMs, endMs, step) => (await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
      `/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${startMs / 1000}&end=${endMs / 1000}&step=${step}`)).result,
    scrapes: async () => {
      const r = await api<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('sum(count_over_time(up{job="brownout"}[1h]))')}`);
      return Number(r.result[0]?.value[1] ?? 0);
    },
    stop,
  };
}

/** What a query showed over a run: no series (or only NaN), only zeros, or some non-zero value. */
export type QueryData = 'none' | 'zeros' | 'data';

/** Pure: a panel whose every value is 0 looks alive in Grafana and still shows nothing. */
export function classifyValues(values: string[]): QueryData {
  // Prometheus spells infinities `+Inf` / `-Inf`, which Number() reads as NaN.
  const numbers = values.map((v) => (/^[+-]?Inf$/.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v))).filter((v) => !Number.isNaN(v));
  if (numbers.length === 0) return 'none';
  return numbers.some((v) => v !== 0) ? 'data' : 'zeros';
}

/**
 * One line per query that returns no series, only NaN, or only zeros over the range. A query
 * whose healthy value is 0 (lost messages on a run that lost none) is named in `zeroOk` with the
 * reason; anything else must show a non-zero value at least once.
 */
export async function queriesWithoutData(prom: StartedPrometheus, queries: (DashboardQuery & { run: string })[], startMs: number, endMs: number,
  zeroOk: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) {
    const name = `${q.dashboard} / ${q.panel} ${q.refId}`;
    try {
      const series = await prom.queryRange(q.run, startMs, endMs, 1);
      const data = classifyValues(series.flatMap((s) => s.values.map((v) => v[1])));
      if (data === 'none') out.push(`${name}: no data for ${q.run}`);
      else if (data === 'zeros' && !zeroOk.has(name)) out.push(`${name}: only zeros for ${q.run}`);
    } catch (err) {
      out.push(`${name}: ${(err as Error).message}`);
    }
  }
  return out;
}
