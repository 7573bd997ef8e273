// How the STATSZ storm grows with cluster size, stock vs patched. For each size (3 regions × n/3
// servers) and variant: boot, count a quiet baseline window, restart one server, count, then
// restart half the servers at once, count. Counts come from a system-account subscription on
// iad-1, which is never restarted (it misses what a restarted server sends before its route to
// iad-1 is up, so these are lower bounds on what was sent); /varz out deltas of the servers that
// were not restarted are reported beside them. Then y = a·n^b is fitted per variant and case.
// BROWNOUT_BENCH_SIZES overrides the sizes (default 6,12,24; 24 servers on 2 cores is the top).
import { parseTopology, startCluster, type StartedCluster } from '../clusters/index.ts';
import { BadInputError, EnvironmentError } from '../core/errors.ts';
import { fetchSnapshot } from '../core/nats-monitoring.ts';
import { fitPowerLaw, type PowerFit } from '../harness/observe/growth-fit.ts';
import { StatszCounter, type StatszMessage } from '../harness/observe/statsz-counter.ts';
import { subscribeStatsz } from '../harness/observe/statsz-subscription.ts';
import { DEFAULT_NATS_TAG, natsServerBinary, patchedName } from '../core/layout.ts';
import { existsSync } from 'node:fs';

const REGIONS = ['iad', 'lhr', 'syd'];
const SUBSCRIBE_ON = 'iad-1';
/**
 * Counting window from the restart call. Past its start-up ramp (250 ms doubling: ticks at 0.25,
 * 0.75, 1.75, 3.75, 7.75, 15.75 s, then every 10 s) every server sends one periodic STATSZ per 10 s,
 * so a 10 s window holds about one per server and the baseline window before it is stable.
 */
const WINDOW_MS = 10_000;
/** From the full mesh to the first baseline: past the 7.75 s tick, so windows hold one tick each. */
const SETTLE_MS = 8500;

type Case = 'single' | 'half';

interface Measurement {
  servers: number;
  variant: string;
  case: Case;
  restarted: string[];
  /** STATSZ received in the window (all senders), and from the baseline window of equal length. */
  msgs: number;
  bytes: number;
  baselineMsgs: number;
  baselineBytes: number;
  /** STATSZ from the restarted servers' new IDs. */
  fromRestartedMsgs: number;
  /** Most STATSZ from one server ID in one second, and bursts (≥ 3 within 100 ms). */
  peakPerSecond: number;
  bursts: number;
  /** Sum of /varz out_msgs / out_bytes deltas over servers not restarted, over the window. */
  varzOutMsgs: number;
  varzOutBytes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function varzTotals(cluster: StartedCluster, skip: Set<string>): Promise<Map<string, { msgs: number; bytes: number }>> {
  const eps = cluster.endpoints().filter((e) => !skip.has(e.name));
  const snaps = await Promise.all(eps.map((e) => fetchSnapshot(e.monitorUrl, 5000).then((s) => [e.name, { msgs: s.varz.out_msgs, bytes: s.varz.out_bytes }] as const)));
  return new Map(snaps);
}

function count(msgs: readonly StatszMessage[], from: number, to: number) {
  const inWindow = msgs.filter((m) => m.t >= from && m.t < to);
  return { msgs: inWindow.length, bytes: inWindow.reduce((s, m) => s + m.bytes, 0), list: inWindow };
}

async function measureSize(servers: number, variant: string, log: (s: string) => void): Promise<Measurement[]> {
  const perRegion = servers / REGIONS.length;
  const topology = parseTopology({ variant, ping: { interval: '1s', max: 2 }, regions: REGIONS.map((name) => ({ name, servers: perRegion })) });
  const t0 = Date.now();
  const cluster = await startCluster(topology, { backend: 'local', meshDeadlineMs: 120_000 });
  log(`${variant} ${servers} servers up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const messages: StatszMessage[] = [];
  const sub = await subscribeStatsz(cluster.endpoints().find((e) => e.name === SUBSCRIBE_ON)!, cluster.system, (m) => messages.push(m));
  const out: Measurement[] = [];
  try {
    await sleep(SETTLE_MS);
    const cases: { case: Case; targets: string[] }[] = [
      { case: 'single', targets: ['iad-2'] },
      // Half the servers, the same number in every region, never the subscriber's iad-1.
      { case: 'half', targets: REGIONS.flatMap((r) => Array.from({ length: perRegion / 2 }, (_, i) => `${r}-${i + 2}`)) },
    ];
    for (const c of cases) {
      const skip = new Set(c.targets);
      const baseFrom = Date.now();
      await sleep(WINDOW_MS);
      const baseline = count(messages, baseFrom, Date.now());
      const oldIds = new Set(await Promise.all(c.targets.map((n) => cluster.server(n).serverId())));
      const before = await varzTotals(cluster, skip);
      const from = Date.now();
      await Promise.all(c.targets.map((n) => cluster.server(n).restart()));
      const newIds = new Set(await Promise.all(c.targets.map((n) => cluster.server(n).serverId())));
      await sleep(from + WINDOW_MS - Date.now());
      const to = Date.now();
      const after = await varzTotals(cluster, skip);
      const w = count(messages, from, to);
      const counter = new StatszCounter({ observedOn: SUBSCRIBE_ON });
      const bursts = w.list.flatMap((m) => counter.add(m));
      const flushed = counter.flush(to, { final: true });
      bursts.push(...flushed.bursts);
      let varzOutMsgs = 0;
      let varzOutBytes = 0;
      for (const [name, b] of before) {
        const a = after.get(name);
        if (a) { varzOutMsgs += a.msgs - b.msgs; varzOutBytes += a.bytes - b.bytes; }
      }
      const m: Measurement = {
        servers, variant, case: c.case, restarted: c.targets, msgs: w.msgs, bytes: w.bytes, baselineMsgs: baseline.msgs, baselineBytes: baseline.bytes,
        fromRestartedMsgs: w.list.filter((x) => newIds.has(x.serverId) && !oldIds.has(x.serverId)).length,
        peakPerSecond: Math.max(0, ...flushed.statsz.map((s) => s.msgs)), bursts: bursts.length, varzOutMsgs, varzOutBytes,
      };
      log(`${variant} ${servers} ${c.case}: ${m.msgs} STATSZ (${m.bytes} B), baseline ${m.baselineMsgs}, peak ${m.peakPerSecond}/s, ${m.bursts} bursts`);
      out.push(m);
    }
  } finally {
    await sub.close().catch(() => undefined);
    await cluster.stop();
  }
  return out;
}

const fmtFit = (f: PowerFit | null): string => (f ? `${f.a.toFixed(2)} · n^${f.b.toFixed(2)} (R² ${f.r2.toFixed(3)})` : 'no fit');

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const stock = DEFAULT_NATS_TAG;
  const patched = patchedName(DEFAULT_NATS_TAG);
  for (const v of [stock, patched]) {
    if (!existsSync(natsServerBinary(v))) throw new EnvironmentError(`${natsServerBinary(v)} is missing`, { hint: 'run npm run build:nats' });
  }
  const sizes = (process.env.BROWNOUT_BENCH_SIZES ?? '6,12,24').split(',').map(Number);
  const bad = sizes.filter((n) => !(Number.isInteger(n) && n % 6 === 0 && n >= 6 && n <= 24));
  if (bad.length) throw new BadInputError(`BROWNOUT_BENCH_SIZES: ${bad.join(', ')}; allowed multiples of 6 from 6 to 24`);
  const log = (s: string) => process.stderr.write(`  statsz-growth: ${s}\n`);

  const rows: Measurement[] = [];
  for (const n of sizes) for (const v of [stock, patched]) rows.push(...(await measureSize(n, v, log)));

  const fits = [stock, patched].flatMap((variant) => (['single', 'half'] as const).map((c) => {
    const pts = rows.filter((r) => r.variant === variant && r.case === c);
    return {
      variant, case: c,
      msgs: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: Math.max(0, r.msgs - r.baselineMsgs) }))),
      bytes: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: Math.max(0, r.bytes - r.baselineBytes) }))),
    };
  }));

  const markdown = [
    `Local backend, 3 regions × n/3 servers, \`ping_interval 1s\`. STATSZ counted on a system-account subscription on ${SUBSCRIBE_ON} (never restarted)`,
    `over ${WINDOW_MS / 1000} s from the restart call; "baseline" is the same-length window just before it (about one periodic STATSZ per server). "half" restarts n/2 servers at once, the same number per region.`,
    'Counts on one subscriber are lower bounds: it misses what a restarted server sends before its route to the subscriber is up.',
    '',
    '| servers | variant | case | STATSZ msgs | bytes | baseline msgs | from restarted IDs | peak /s (one ID) | bursts | /varz out msgs (others) | /varz out bytes (others) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.servers} | ${r.variant} | ${r.case} | ${r.msgs} | ${r.bytes} | ${r.baselineMsgs} | ${r.fromRestartedMsgs} | ${r.peakPerSecond} | ${r.bursts} | ${r.varzOutMsgs} | ${r.varzOutBytes} |`),
    '',
    'Growth with cluster size n, fitted on (window − baseline):',
    '',
    '| variant | case | messages | bytes |',
    '| --- | --- | --- | --- |',
    ...fits.map((f) => `| ${f.variant} | ${f.case} | ${fmtFit(f.msgs)} | ${fmtFit(f.bytes)} |`),
  ].join('\n');
  return { name: 'STATSZ growth with cluster size, stock vs patched', markdown, data: { sizes, windowMs: WINDOW_MS, rows, fits } };
}
