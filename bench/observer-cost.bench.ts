// What the observer and its log-stream probe cost the harness as the cluster grows: an idle
// patched cluster of 9, 30 and 96 servers, the observer as a chaos run starts it (interval 500 ms
// asked, probe at 20 msg/s per publisher), for BROWNOUT_OBSERVER_SECONDS (default 60). The figure
// is the harness process's CPU (user + system) per one-second `observer` record, percent of one core.
// Budget (issue 12): ≤ 5 % at 30 servers, ≤ 25 % at 96. BROWNOUT_BENCH_SIZES overrides the sizes;
// `external30` (issue 20) watches a 3 × 10 cluster brownout did not start (test/support/
// external-cluster.sh), attached through its cluster file: monitoring endpoints only (no /proc), the
// system account from an environment variable, the probe under brownout.probe. A run of some sizes
// keeps the rows of the others from bench/results/observer-cost.json, each with the date it was measured.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { attachExternal, parseTopology, startCluster, type StartedCluster } from '../clusters/index.ts';
import { BadInputError, EnvironmentError } from '../core/errors.ts';
import { DEFAULT_NATS_TAG, natsServerBinary, patchedName, REPO_ROOT } from '../core/layout.ts';
import { startObserver } from '../harness/observe/index.ts';
import { HEALTH_EVERY, minIntervalMs, ROUND_CONCURRENCY, STEADY_ROUNDS, steadyIntervalMs } from '../harness/observe/observer.ts';
import type { ObserverRecord, TimelineRecord } from '../harness/timeline/records.ts';
import { startScriptCluster } from '../test/support/external-cluster.ts';
import { withClusterLock } from './cluster-lock.ts';

const SHAPES: Record<string, { regions: string[]; perRegion: number; external?: boolean }> = {
  9: { regions: ['iad', 'lhr', 'syd'], perRegion: 3 },
  30: { regions: ['iad', 'lhr', 'syd'], perRegion: 10 },
  48: { regions: ['iad', 'lhr', 'syd', 'fra', 'sin', 'gru'], perRegion: 8 },
  96: { regions: ['iad', 'lhr', 'syd', 'fra'], perRegion: 24 },
  external30: { regions: ['iad', 'lhr', 'syd'], perRegion: 10, external: true },
};
const BUDGET: Record<string, number> = { 30: 5, 96: 25, external30: 5 };
/** The script cluster's ports: ext-attach's range (24000-24999), 4 per server. */
const EXTERNAL_BASE_PORT = 24100;
const RESULTS = path.join(REPO_ROOT, 'bench', 'results', 'observer-cost.json');

interface Row {
  /** The BROWNOUT_BENCH_SIZES key (absent in rows from before external rows existed: the server count). */
  size?: string;
  /** When this row was measured (rows carried over from an earlier run keep theirs). */
  measuredAt?: string;
  /** `local` (booted here) or `external` (started by the script, attached by its cluster file). */
  cluster?: 'local' | 'external';
  servers: number;
  shape: string;
  seconds: number;
  intervalMs: number;
  bootSeconds: number;
  windows: number;
  cpuMedian: number;
  cpuP90: number;
  cpuMax: number;
  lateRounds: number;
  roundMs: number;
  failedRequests: number;
  budget: number | null;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : 0;
};

/** A booted local cluster, or a script-started one attached as external; `close` removes it either way. */
async function clusterFor(size: string): Promise<{ cluster: StartedCluster; close: () => Promise<void> }> {
  const shape = SHAPES[size]!;
  if (!shape.external) {
    const topology = parseTopology({ variant: patchedName(DEFAULT_NATS_TAG), regions: shape.regions.map((name) => ({ name, servers: shape.perRegion })) });
    const cluster = await startCluster(topology, { backend: 'local' });
    return { cluster, close: () => cluster.stop() };
  }
  const script = await startScriptCluster({ variant: patchedName(DEFAULT_NATS_TAG), regions: shape.regions, servers: shape.perRegion, basePort: EXTERNAL_BASE_PORT, secret: 'env' });
  try {
    const cluster = await attachExternal(script.clusterFile, { meshDeadlineMs: 60_000 });
    return { cluster, close: async () => { await cluster.stop(); await script.stop(); } };
  } catch (err) {
    await script.stop();
    throw err;
  }
}

async function measure(size: string, seconds: number, log: (s: string) => void): Promise<Row> {
  const shape = SHAPES[size]!;
  const servers = shape.regions.length * shape.perRegion;
  const t0 = Date.now();
  const { cluster, close } = await clusterFor(size);
  const bootSeconds = (Date.now() - t0) / 1000;
  log(`${size}: ${servers} servers meshed in ${bootSeconds.toFixed(1)}s`);
  try {
    const records: TimelineRecord[] = [];
    const observer = await startObserver(cluster, { timeline: { append: (r) => records.push(r) }, intervalMs: 500, probe: { ratePerSecond: 20, stallIntervals: 10 } });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await observer.stop();
    // The first window holds the observer's and probe's start (connections, first round); skip it.
    const obs = records.filter((r): r is ObserverRecord => r.kind === 'observer').slice(1, -1);
    const run = records.find((r) => r.kind === 'run');
    const cpu = obs.map((o) => o.cpuPercent);
    const rounds = obs.reduce((n, o) => n + o.samples, 0);
    const row: Row = {
      size, measuredAt: new Date().toISOString(), cluster: shape.external ? 'external' : 'local', servers, shape: `${shape.regions.length} × ${shape.perRegion}`, seconds, intervalMs: run && run.kind === 'run' ? run.intervalMs : 0, bootSeconds,
      windows: obs.length, cpuMedian: quantile(cpu, 0.5), cpuP90: quantile(cpu, 0.9), cpuMax: Math.max(0, ...cpu),
      lateRounds: obs.reduce((n, o) => n + o.lateSamples, 0), roundMs: rounds ? obs.reduce((s, o) => s + o.sampleMs * o.samples, 0) / rounds : 0,
      failedRequests: obs.reduce((n, o) => n + o.failedRequests, 0), budget: BUDGET[size] ?? null,
    };
    log(`${size}: median ${row.cpuMedian.toFixed(1)} %, p90 ${row.cpuP90.toFixed(1)} %, max ${row.cpuMax.toFixed(1)} %, interval ${row.intervalMs} ms`);
    return row;
  } finally {
    await close();
  }
}

/** Rows of an earlier run for the sizes not measured now (each keeps its own date). */
function carriedRows(measured: readonly string[]): Row[] {
  if (!existsSync(RESULTS)) return [];
  const old = JSON.parse(readFileSync(RESULTS, 'utf8')) as { rows?: Row[]; runAt?: string };
  return (old.rows ?? []).map((r) => ({ ...r, size: r.size ?? String(r.servers), measuredAt: r.measuredAt ?? old.runAt ?? '2026-11-26T02:48:05.757Z', cluster: r.cluster ?? 'local' }))
    .filter((r) => !measured.includes(r.size!));
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  if (!existsSync(natsServerBinary(patchedName(DEFAULT_NATS_TAG)))) throw new EnvironmentError('patched variant is missing', { hint: 'run npm run build:nats' });
  const sizes = (process.env.BROWNOUT_BENCH_SIZES ?? '9,30,96,external30').split(',').map((x) => x.trim());
  const bad = sizes.filter((n) => !Object.hasOwn(SHAPES, n));
  if (bad.length) throw new BadInputError(`BROWNOUT_BENCH_SIZES: ${bad.join(', ')}`, { problems: [`sizes: any of ${Object.keys(SHAPES).join(', ')}`] });
  const seconds = Number(process.env.BROWNOUT_OBSERVER_SECONDS ?? 60);
  const log = (s: string) => process.stderr.write(`  observer-cost: ${s}\n`);
  const rows: Row[] = [];
  // One lock for every size: about a minute and a half each, under the machine's 8-minute turn.
  await withClusterLock(`observer-cost ${sizes.join(', ')}`, async () => { for (const n of sizes) rows.push(await measure(n, seconds, log)); }, log);
  const order = Object.keys(SHAPES);
  rows.push(...carriedRows(sizes));
  rows.sort((a, b) => order.indexOf(a.size!) - order.indexOf(b.size!));
  const counts = [...new Set(rows.map((r) => r.servers))].sort((a, b) => a - b);
  const pct = (x: number) => `${x.toFixed(1)} %`;
  const markdown = [
    `Local backend, patched servers, idle cluster; the observer started as a chaos run starts it (500 ms asked, log-stream probe at 20 msg/s per publisher), ${seconds} s per size.`,
    'The `external` row (issue 20): the same 3 × 10 shape, started by test/support/external-cluster.sh without brownout and attached through its cluster file (`--attach external:FILE`): monitoring endpoints only, no /proc reads (an external cluster\'s processes are not ours), the probe under brownout.probe, the system password from an environment variable. The script configures ping 1 s / 2 (the local rows: nats-server\'s 2 m); its boot column is the script\'s start plus the attach (every /varz, the full mesh).',
    'CPU is the harness process (user + system) per one-second `observer` record, percent of one core; the first window (start-up) is left out.',
    `The observer samples no faster than minIntervalMs(n) (the interval column: ${counts.map((n) => `${minIntervalMs(n)} ms at ${n}`).join(', ')}), reads ${ROUND_CONCURRENCY} servers at a time over keep-alive HTTP, /varz, /routez and /gatewayz every round and /healthz every ${HEALTH_EVERY}th, /proc/<pid>/stat once per server per round.`,
    `Adaptive above 12 servers: after ${STEADY_ROUNDS} quiet rounds (no link change, every server read) it samples every steadyIntervalMs(n) (${counts.map((n) => `${steadyIntervalMs(n) || 'never'}${steadyIntervalMs(n) ? ' ms' : ''} at ${n}`).join(', ')}), and returns to the interval at the first change, unread server, fault or step. This idle cluster is steady, so the larger sizes are measured mostly at the steady interval; a run with faults pays the interval's rate while they last.`,
    'Before (issue 12, fetch() and every server at once every 500 ms): 8 % median at 9 servers, 19 % at 48. Before adaptive sampling and the one /proc read (2026-11-26 00:37): 5.2 %, 5.7 %, 10.3 % at 9, 30, 96.',
    '',
    '| servers | cluster | shape | interval ms | windows | CPU median | CPU p90 | CPU max | budget | mean round ms | late rounds | failed requests | boot to full mesh s | measured |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.servers} | ${r.cluster} | ${r.shape} | ${r.intervalMs} | ${r.windows} | ${pct(r.cpuMedian)} | ${pct(r.cpuP90)} | ${pct(r.cpuMax)} | ${r.budget === null ? '-' : `≤ ${r.budget} % ${r.cpuMedian <= r.budget ? '(met)' : '(NOT met)'}`} | ${r.roundMs.toFixed(0)} | ${r.lateRounds} | ${r.failedRequests} | ${r.bootSeconds.toFixed(1)} | ${r.measuredAt!.slice(0, 16).replace('T', ' ')} |`),
  ].join('\n');
  return { name: 'Observer cost by cluster size', markdown, data: { seconds, runAt: new Date().toISOString(), rows } };
}
