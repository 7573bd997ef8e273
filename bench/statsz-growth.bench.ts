// How the STATSZ storm grows with cluster size, stock vs patched. For each size (3 regions × n/3
// servers) and variant: boot, count a quiet baseline window, restart one server, count, restart
// half the servers at once, count, then restart every server but iad-1 one after another (what a
// rolling upgrade does), count. STATSZ come from a system-account subscription on iad-1, which is
// never restarted (a lower bound: it misses what a restarted server sends before its route to
// iad-1 is up). The storm's total cost comes from every server's own counters, the way the seed
// counted it: /varz out and /routez + /gatewayz per-connection out, summed over all servers
// (a restarted server counts from zero), minus the same sums over a baseline window of equal length.
// Then y = a·n^b is fitted per variant and case, and the stock/patched ratio of total bytes is
// extrapolated to 300 and 900 servers. BROWNOUT_BENCH_SIZES overrides the sizes (default
// 6,12,24,48,96); BROWNOUT_BENCH_LOCK holds the machine's cluster lock per size and variant;
// BROWNOUT_BENCH_RESUME=1 reuses sizes already in bench/results/statsz-growth.partial.json.
import { mapLimit, parseTopology, POLL_CONCURRENCY, startCluster, type StartedCluster } from '../clusters/index.ts';
import { connectionCounters, connectionDeltas } from '../harness/observe/index.ts';
import { withClusterLock } from './cluster-lock.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../core/layout.ts';
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

type Case = 'single' | 'half' | 'rolling';
/** Monitoring reads during a storm: stock's servers at 96 answer slowly while it lasts. */
const READ_TIMEOUT_MS = 15_000;
const CASES: Case[] = ['single', 'half', 'rolling'];
const PARTIAL = path.join(REPO_ROOT, 'bench', 'results', 'statsz-growth.partial.json');

/** Every server's own out counters, summed: the storm as the servers themselves count it. */
interface ClusterCounters { varzMsgs: number; varzBytes: number; routeMsgs: number; routeBytes: number; gatewayMsgs: number; gatewayBytes: number }
type Readings = Map<string, { id: string; varz: { msgs: number; bytes: number }; conns: Map<string, { msgs: number; bytes: number }> }>;

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
  /** Every server's counters over the window, and over the baseline window (restarted servers included). */
  all: ClusterCounters;
  allBaseline: ClusterCounters;
  /** Window length (ms): 10 s, or for a rolling restart the restarts plus 10 s. */
  windowMs: number;
  /** Baseline window length (ms, about 10 s, just before the case); excess = window − baseline × windowMs / baselineMs. */
  baselineMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** /varz out totals of the servers not skipped; a server that does not answer within 15 s (stock's storm at 96) is left out. */
async function varzTotals(cluster: StartedCluster, skip: Set<string>): Promise<Map<string, { msgs: number; bytes: number }>> {
  const out = new Map<string, { msgs: number; bytes: number }>();
  await mapLimit(cluster.endpoints().filter((e) => !skip.has(e.name)), POLL_CONCURRENCY, async (e) => {
    const s = await fetchSnapshot(e.monitorUrl, READ_TIMEOUT_MS).catch(() => undefined);
    if (s) out.set(e.name, { msgs: s.varz.out_msgs, bytes: s.varz.out_bytes });
  });
  return out;
}

async function readAll(cluster: StartedCluster): Promise<Readings> {
  const out: Readings = new Map();
  await mapLimit(cluster.endpoints(), POLL_CONCURRENCY, async (e) => {
    const s = await fetchSnapshot(e.monitorUrl, READ_TIMEOUT_MS).catch(() => undefined);
    if (s) out.set(e.name, { id: s.varz.server_id, varz: { msgs: s.varz.out_msgs, bytes: s.varz.out_bytes }, conns: connectionCounters(s) });
  });
  return out;
}

/** Sums of what every server sent between two readings; a server with a new ID counts from zero. */
function counted(before: Readings, after: Readings): ClusterCounters {
  const c: ClusterCounters = { varzMsgs: 0, varzBytes: 0, routeMsgs: 0, routeBytes: 0, gatewayMsgs: 0, gatewayBytes: 0 };
  for (const [name, a] of after) {
    const b = before.get(name);
    const same = b && b.id === a.id;
    c.varzMsgs += a.varz.msgs - (same ? b.varz.msgs : 0);
    c.varzBytes += a.varz.bytes - (same ? b.varz.bytes : 0);
    const d = connectionDeltas(same ? b.conns : new Map(), a.conns);
    c.routeMsgs += d.routeOutMsgs; c.routeBytes += d.routeOutBytes; c.gatewayMsgs += d.gatewayOutMsgs; c.gatewayBytes += d.gatewayOutBytes;
  }
  return c;
}

function count(msgs: readonly StatszMessage[], from: number, to: number) {
  const inWindow = msgs.filter((m) => m.t >= from && m.t < to);
  return { msgs: inWindow.length, bytes: inWindow.reduce((s, m) => s + m.bytes, 0), list: inWindow };
}

async function measureSize(servers: number, variant: string, log: (s: string) => void): Promise<Measurement[]> {
  const perRegion = servers / REGIONS.length;
  // nats-server's default ping (2 m): with 1 s, 96 servers on 2 cores mark routes stale under load
  // and reconnect, which is a storm of its own, not the one measured here.
  const topology = parseTopology({ variant, regions: REGIONS.map((name) => ({ name, servers: perRegion })) });
  const t0 = Date.now();
  const cluster = await startCluster(topology, { backend: 'local', meshDeadlineMs: 180_000 });
  log(`${variant} ${servers} servers up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  const messages: StatszMessage[] = [];
  const sub = await subscribeStatsz(cluster.endpoints().find((e) => e.name === SUBSCRIBE_ON)!, cluster.system, (m) => messages.push(m));
  const out: Measurement[] = [];
  try {
    await sleep(SETTLE_MS);
    const others = cluster.endpoints().map((e) => e.name).filter((n) => n !== SUBSCRIBE_ON);
    const cases: { case: Case; targets: string[] }[] = [
      { case: 'single', targets: ['iad-2'] },
      // Half the servers, the same number in every region, never the subscriber's iad-1.
      { case: 'half', targets: REGIONS.flatMap((r) => Array.from({ length: perRegion / 2 }, (_, i) => `${r}-${i + 2}`)) },
      // Every server but iad-1, one after another, each back (monitor answering) before the next.
      { case: 'rolling', targets: others },
    ];
    for (const c of cases.filter((x) => CASES_RUN.includes(x.case))) {
      const skip = new Set(c.targets);
      const baseFrom = Date.now();
      const allBase0 = await readAll(cluster);
      await sleep(WINDOW_MS);
      const baseline = count(messages, baseFrom, Date.now());
      const allBaseline = counted(allBase0, await readAll(cluster));
      const baselineMs = Date.now() - baseFrom;
      const oldIds = new Set(await Promise.all(c.targets.map((n) => cluster.server(n).serverId())));
      const before = await varzTotals(cluster, skip);
      const from = Date.now();
      const allBefore = await readAll(cluster);
      if (c.case === 'rolling') {
        for (const n of c.targets) await cluster.server(n).restart();
      } else {
        await Promise.all(c.targets.map((n) => cluster.server(n).restart()));
      }
      const newIds = new Set(await Promise.all(c.targets.map((n) => cluster.server(n).serverId())));
      const windowMs = c.case === 'rolling' ? Date.now() - from + WINDOW_MS : WINDOW_MS;
      await sleep(from + windowMs - Date.now());
      const to = Date.now();
      const allAfter = await readAll(cluster);
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
        all: counted(allBefore, allAfter), allBaseline, windowMs, baselineMs,
      };
      log(`${variant} ${servers} ${c.case}: ${m.msgs} STATSZ (${m.bytes} B), baseline ${m.baselineMsgs}, peak ${m.peakPerSecond}/s, ${m.bursts} bursts; all servers ${m.all.varzMsgs} msgs ${m.all.varzBytes} B (baseline ${m.allBaseline.varzBytes} B)`);
      out.push(m);
    }
  } finally {
    await sub.close().catch(() => undefined);
    await cluster.stop();
  }
  return out;
}

const CASES_RUN: Case[] = (process.env.BROWNOUT_BENCH_CASES ?? CASES.join(',')).split(',') as Case[];

const fmtFit = (f: PowerFit | null): string => (f ? `${f.a.toPrecision(3)} · n^${f.b.toFixed(2)} (R² ${f.r2.toFixed(3)})` : 'no fit');
const at = (f: PowerFit | null, n: number): number | null => (f ? f.a * n ** f.b : null);
/** What the window holds beyond the quiet cluster's own traffic over the same length. */
const excess = (w: number, base: number, r: Measurement): number => Math.max(0, w - base * (r.windowMs / Math.max(1, r.baselineMs)));
const mb = (b: number): string => (b >= 1e12 ? `${(b / 1e12).toFixed(1)} TB` : b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(0)} kB`);

function readPartial(): Measurement[] {
  try { return JSON.parse(readFileSync(PARTIAL, 'utf8')) as Measurement[]; } catch { return []; }
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const stock = DEFAULT_NATS_TAG;
  const patched = patchedName(DEFAULT_NATS_TAG);
  for (const v of [stock, patched]) {
    if (!existsSync(natsServerBinary(v))) throw new EnvironmentError(`${natsServerBinary(v)} is missing`, { hint: 'run npm run build:nats' });
  }
  const sizes = (process.env.BROWNOUT_BENCH_SIZES ?? '6,12,24,48,96').split(',').map(Number);
  const bad = sizes.filter((n) => !(Number.isInteger(n) && n % 6 === 0 && n >= 6 && n <= 96));
  if (bad.length) throw new BadInputError(`BROWNOUT_BENCH_SIZES: ${bad.join(', ')}; allowed multiples of 6 from 6 to 96`);
  const log = (s: string) => process.stderr.write(`  statsz-growth: ${s}\n`);

  const rows: Measurement[] = process.env.BROWNOUT_BENCH_RESUME ? readPartial().filter((r) => sizes.includes(r.servers)) : [];
  for (const n of sizes) {
    const todo = [stock, patched].filter((v) => {
      const done = rows.some((r) => r.servers === n && r.variant === v);
      if (done) log(`${v} ${n}: reused from ${path.basename(PARTIAL)}`);
      return !done;
    });
    // One lock per size while both variants fit in a few minutes; at 96 one per variant (each ~5 min).
    const groups = n >= 96 ? todo.map((v) => [v]) : todo.length ? [todo] : [];
    for (const g of groups) {
      await withClusterLock(`statsz-growth ${g.join(' and ')} ${n}`, async () => {
        for (const v of g) {
          rows.push(...(await measureSize(n, v, log)));
          writeFileSync(PARTIAL, JSON.stringify(rows, null, 2) + '\n');
        }
      }, log);
    }
  }
  rows.sort((a, b) => a.servers - b.servers || a.variant.localeCompare(b.variant) || CASES.indexOf(a.case) - CASES.indexOf(b.case));

  const cases = CASES.filter((c) => rows.some((r) => r.case === c));
  const fits = [stock, patched].flatMap((variant) => cases.map((c) => {
    const pts = rows.filter((r) => r.variant === variant && r.case === c);
    return {
      variant, case: c,
      msgs: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: excess(r.msgs, r.baselineMsgs, r) }))),
      bytes: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: excess(r.bytes, r.baselineBytes, r) }))),
      allMsgs: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: excess(r.all.varzMsgs, r.allBaseline.varzMsgs, r) }))),
      allBytes: fitPowerLaw(pts.map((r) => ({ n: r.servers, y: excess(r.all.varzBytes, r.allBaseline.varzBytes, r) }))),
    };
  }));
  const fitOf = (v: string, c: Case) => fits.find((f) => f.variant === v && f.case === c)!;
  const extrapolation = cases.map((c) => {
    const s = fitOf(stock, c).allBytes;
    const p = fitOf(patched, c).allBytes;
    const ratio = (n: number) => { const a = at(s, n); const b = at(p, n); return a !== null && b ? a / b : null; };
    return { case: c, stockAt300: at(s, 300), patchedAt300: at(p, 300), ratio300: ratio(300), stockAt900: at(s, 900), patchedAt900: at(p, 900), ratio900: ratio(900) };
  });
  const x = (r: number | null) => (r === null ? '-' : `${r.toFixed(1)}×`);
  const largest = Math.max(...rows.map((r) => r.servers));
  const measuredRatio = cases.map((c) => {
    const s = rows.find((r) => r.servers === largest && r.variant === stock && r.case === c);
    const p = rows.find((r) => r.servers === largest && r.variant === patched && r.case === c);
    return s && p ? `${c} ${(excess(s.all.varzBytes, s.allBaseline.varzBytes, s) / Math.max(1, excess(p.all.varzBytes, p.allBaseline.varzBytes, p))).toFixed(1)}×` : `${c} -`;
  }).join(', ');

  const markdown = [
    `Local backend, 3 regions × n/3 servers, nats-server's default ping. Cases: "single" restarts iad-2; "half" restarts n/2 servers at once (the same number per region);`,
    `"rolling" restarts every server but ${SUBSCRIBE_ON} one after another, each answering its monitor before the next (what an upgrade does).`,
    `Sizes per case: ${cases.map((c) => `${c} ${[...new Set(rows.filter((r) => r.case === c).map((r) => r.servers))].join(', ')}`).join('; ')} (BROWNOUT_BENCH_CASES limits the cases of a run).`,
    `Window: ${WINDOW_MS / 1000} s from the restart call (rolling: the restarts plus ${WINDOW_MS / 1000} s). Baseline: a ${WINDOW_MS / 1000} s window just before the case, scaled to the window's length.`,
    '',
    '**Every server\'s own counters** (the seed\'s way): /varz out_msgs and out_bytes, and /routez + /gatewayz per-connection out, summed over all servers; a restarted server counts from zero',
    '(what a stopped server sent after the first reading and what closed connections sent before the last reading are lost, so these too are slightly low).',
    '',
    '| servers | variant | case | window s | all out msgs | all out bytes | route out bytes | gateway out bytes | baseline out bytes | excess bytes | STATSZ msgs (sub) | STATSZ bytes (sub) | baseline STATSZ | from restarted IDs | peak /s (one ID) | bursts |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.servers} | ${r.variant} | ${r.case} | ${(r.windowMs / 1000).toFixed(0)} | ${r.all.varzMsgs} | ${mb(r.all.varzBytes)} | ${mb(r.all.routeBytes)} | ${mb(r.all.gatewayBytes)} | ${mb(r.allBaseline.varzBytes)} | ${mb(excess(r.all.varzBytes, r.allBaseline.varzBytes, r))} | ${r.msgs} | ${mb(r.bytes)} | ${r.baselineMsgs} | ${r.fromRestartedMsgs} | ${r.peakPerSecond} | ${r.bursts} |`),
    '',
    'The STATSZ columns come from one subscriber on iad-1 and are lower bounds (it misses what a restarted server sends before its route to iad-1 is up). Half of what routes carry in such a window is account-connection events, not STATSZ (docs/ARCHITECTURE.md, facts: the STATSZ storm).',
    '',
    'Growth with cluster size n, fitted on excess = window − scaled baseline:',
    '',
    '| variant | case | STATSZ msgs (sub) | STATSZ bytes (sub) | all out msgs | all out bytes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...fits.map((f) => `| ${f.variant} | ${f.case} | ${fmtFit(f.msgs)} | ${fmtFit(f.bytes)} | ${fmtFit(f.allMsgs)} | ${fmtFit(f.allBytes)} |`),
    '',
    `Stock/patched ratio of excess bytes from every server's counters, measured at ${largest} servers: ${measuredRatio}. Extrapolated with the fits:`,
    '',
    '| case | stock at 300 | patched at 300 | ratio at 300 | stock at 900 | patched at 900 | ratio at 900 | seed (hundreds of servers, one restart) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...extrapolation.map((e) => `| ${e.case} | ${e.stockAt300 === null ? '-' : mb(e.stockAt300)} | ${e.patchedAt300 === null ? '-' : mb(e.patchedAt300)} | ${x(e.ratio300)} | ${e.stockAt900 === null ? '-' : mb(e.stockAt900)} | ${e.patchedAt900 === null ? '-' : mb(e.patchedAt900)} | ${x(e.ratio900)} | ~250× (3 GB → 12 MB) |`),
    '',
    'What could explain a difference from the seed\'s ~250× (the seed\'s figure is one restart, so "single" is its analogue):',
    '- The counters hold everything the servers sent, not STATSZ alone: route and gateway traffic after a restart also carries account-connection events and',
    '  subscription interest, which the rate limit does not touch; that floor is in the patched figure and lowers the ratio. The seed\'s 12 MB may be STATSZ only.',
    '- A STATSZ message lists its server\'s routes (≈0.8 KB at 4, ≈3.9 KB at 32): production servers with more routes, gateways, accounts and connections send',
    '  bigger messages, and stock sends many more of them, so bytes grow faster there than in these clusters of 3 regions.',
    '- The fits span 6 to 96 servers and are extrapolated 3× and 9× past the largest point; the small sizes sit close to the baseline, and the exponent decides everything at 900.',
    '- On 2 cores stock\'s storm at 96 servers is CPU-bound: servers send slower than they would on production hardware, so stock is undercounted at the top size, flattening its fit.',
    '- Windows here are 10 s from the restart; the seed counted until the storm was over, on a cluster whose links were slow and saturated (longer storms, retransmissions).',
  ].join('\n');
  return { name: 'STATSZ growth with cluster size, stock vs patched', markdown, data: { sizes, windowMs: WINDOW_MS, rows, fits, extrapolation } };
}
