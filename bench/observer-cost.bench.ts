// What the observer and its log-stream probe cost the harness as the cluster grows: an idle
// patched cluster of 9, 30 and 96 servers, the observer as a chaos run starts it (interval 500 ms
// asked, probe at 20 msg/s per publisher), for BROWNOUT_OBSERVER_SECONDS (default 60). The figure
// is the harness process's CPU (user + system) per one-second `observer` record, percent of one core.
// Budget (issue 12): ≤ 5 % at 30 servers, ≤ 25 % at 96. BROWNOUT_BENCH_SIZES overrides the sizes.
import { existsSync } from 'node:fs';
import { parseTopology, startCluster } from '../clusters/index.ts';
import { BadInputError, EnvironmentError } from '../core/errors.ts';
import { DEFAULT_NATS_TAG, natsServerBinary, patchedName } from '../core/layout.ts';
import { startObserver } from '../harness/observe/index.ts';
import { HEALTH_EVERY, minIntervalMs, ROUND_CONCURRENCY, STEADY_ROUNDS, steadyIntervalMs } from '../harness/observe/observer.ts';
import type { ObserverRecord, TimelineRecord } from '../harness/timeline/records.ts';
import { withClusterLock } from './cluster-lock.ts';

const SHAPES: Record<number, { regions: string[]; perRegion: number }> = {
  9: { regions: ['iad', 'lhr', 'syd'], perRegion: 3 },
  30: { regions: ['iad', 'lhr', 'syd'], perRegion: 10 },
  48: { regions: ['iad', 'lhr', 'syd', 'fra', 'sin', 'gru'], perRegion: 8 },
  96: { regions: ['iad', 'lhr', 'syd', 'fra'], perRegion: 24 },
};
const BUDGET: Record<number, number> = { 30: 5, 96: 25 };

interface Row {
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

async function measure(servers: number, seconds: number, log: (s: string) => void): Promise<Row> {
  const shape = SHAPES[servers]!;
  const topology = parseTopology({ variant: patchedName(DEFAULT_NATS_TAG), regions: shape.regions.map((name) => ({ name, servers: shape.perRegion })) });
  const t0 = Date.now();
  const cluster = await startCluster(topology, { backend: 'local' });
  const bootSeconds = (Date.now() - t0) / 1000;
  log(`${servers} servers meshed in ${bootSeconds.toFixed(1)}s`);
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
      servers, shape: `${shape.regions.length} × ${shape.perRegion}`, seconds, intervalMs: run && run.kind === 'run' ? run.intervalMs : 0, bootSeconds,
      windows: obs.length, cpuMedian: quantile(cpu, 0.5), cpuP90: quantile(cpu, 0.9), cpuMax: Math.max(0, ...cpu),
      lateRounds: obs.reduce((n, o) => n + o.lateSamples, 0), roundMs: rounds ? obs.reduce((s, o) => s + o.sampleMs * o.samples, 0) / rounds : 0,
      failedRequests: obs.reduce((n, o) => n + o.failedRequests, 0), budget: BUDGET[servers] ?? null,
    };
    log(`${servers}: median ${row.cpuMedian.toFixed(1)} %, p90 ${row.cpuP90.toFixed(1)} %, max ${row.cpuMax.toFixed(1)} %, interval ${row.intervalMs} ms`);
    return row;
  } finally {
    await cluster.stop();
  }
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  if (!existsSync(natsServerBinary(patchedName(DEFAULT_NATS_TAG)))) throw new EnvironmentError('patched variant is missing', { hint: 'run npm run build:nats' });
  const sizes = (process.env.BROWNOUT_BENCH_SIZES ?? '9,30,96').split(',').map(Number);
  const bad = sizes.filter((n) => !SHAPES[n]);
  if (bad.length) throw new BadInputError(`BROWNOUT_BENCH_SIZES: ${bad.join(', ')}`, { problems: [`sizes: any of ${Object.keys(SHAPES).join(', ')}`] });
  const seconds = Number(process.env.BROWNOUT_OBSERVER_SECONDS ?? 60);
  const log = (s: string) => process.stderr.write(`  observer-cost: ${s}\n`);
  const rows: Row[] = [];
  // One lock for every size: about a minute and a half each, under the machine's 8-minute turn.
  await withClusterLock(`observer-cost ${sizes.join(', ')}`, async () => { for (const n of sizes) rows.push(await measure(n, seconds, log)); }, log);
  const pct = (x: number) => `${x.toFixed(1)} %`;
  const markdown = [
    `Local backend, patched servers, idle cluster; the observer started as a chaos run starts it (500 ms asked, log-stream probe at 20 msg/s per publisher), ${seconds} s per size.`,
    'CPU is the harness process (user + system) per one-second `observer` record, percent of one core; the first window (start-up) is left out.',
    `The observer samples no faster than minIntervalMs(n) (the interval column: ${sizes.map((n) => `${minIntervalMs(n)} ms at ${n}`).join(', ')}), reads ${ROUND_CONCURRENCY} servers at a time over keep-alive HTTP, /varz, /routez and /gatewayz every round and /healthz every ${HEALTH_EVERY}th, /proc/<pid>/stat once per server per round.`,
    `Adaptive above 12 servers: after ${STEADY_ROUNDS} quiet rounds (no link change, every server read) it samples every steadyIntervalMs(n) (${sizes.map((n) => `${steadyIntervalMs(n) || 'never'}${steadyIntervalMs(n) ? ' ms' : ''} at ${n}`).join(', ')}), and returns to the interval at the first change, unread server, fault or step. This idle cluster is steady, so the larger sizes are measured mostly at the steady interval; a run with faults pays the interval's rate while they last.`,
    'Before (issue 12, fetch() and every server at once every 500 ms): 8 % median at 9 servers, 19 % at 48. Before adaptive sampling and the one /proc read (2026-11-26 00:37): 5.2 %, 5.7 %, 10.3 % at 9, 30, 96.',
    '',
    '| servers | shape | interval ms | windows | CPU median | CPU p90 | CPU max | budget | mean round ms | late rounds | failed requests | boot to full mesh s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.servers} | ${r.shape} | ${r.intervalMs} | ${r.windows} | ${pct(r.cpuMedian)} | ${pct(r.cpuP90)} | ${pct(r.cpuMax)} | ${r.budget === null ? '-' : `≤ ${r.budget} % ${r.cpuMedian <= r.budget ? '(met)' : '(NOT met)'}`} | ${r.roundMs.toFixed(0)} | ${r.lateRounds} | ${r.failedRequests} | ${r.bootSeconds.toFixed(1)} |`),
  ].join('\n');
  return { name: 'Observer cost by cluster size', markdown, data: { seconds, rows } };
}
