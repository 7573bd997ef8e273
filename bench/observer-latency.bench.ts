// How long the things take that tests only bound (tests assert order, presence and upper limits
// with margin; two busy cores can stretch any of these by seconds, so their measured values live
// here, compared within one run):
// - cut → down and heal → up: a 3×2 super-cluster (patched), the observer at 500 ms, `syd` cut off
//   for 10 s (test/observe-partition.test.ts used to require down within 2 s of the cut);
// - the observer's round gaps at 34 servers: at the floor (1.7 s) while links settle, stretched to
//   the steady interval (3 s) when quiet, and the first round after a step record
//   (test/clusters-scale.test.ts used to require < 2.5 s and ≤ 2.3 s);
// - a lame duck with one client and grace 5 s (test/upgrade-in-place.test.ts used to require 4.5–10 s).
// BROWNOUT_LATENCY_REPEATS (default 3) runs each part that many times.
import { connect } from 'nats';
import { parseTopology, startCluster, type StartedCluster } from '../clusters/index.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { startObserver } from '../harness/observe/index.ts';
import type { TimelineRecord } from '../harness/timeline/records.ts';
import { withClusterLock } from './cluster-lock.ts';

const CUT = 'syd';
const PARTITION_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const stats = (xs: number[]) => ({ n: xs.length, min: Math.min(...xs), median: quantile(xs, 0.5), p90: quantile(xs, 0.9), max: Math.max(...xs) });
type Stats = ReturnType<typeof stats>;

async function withCluster<T>(what: string, spec: Parameters<typeof parseTopology>[0], fn: (c: StartedCluster) => Promise<T>, log: (s: string) => void): Promise<T> {
  return withClusterLock(what, async () => {
    const c = await startCluster(parseTopology(spec), { backend: 'local', meshDeadlineMs: 120_000 });
    try {
      return await fn(c);
    } finally {
      await c.stop();
    }
  }, log);
}

/** ms from the cut to each gateway's down record, and from the heal to its up record. */
async function cutAndHeal(c: StartedCluster): Promise<{ down: number[]; up: number[] }> {
  const records: TimelineRecord[] = [];
  const observer = await startObserver(c, { timeline: { append: (r) => records.push(r) }, intervalMs: 500 });
  await sleep(3000);
  const cutAt = Date.now();
  const p = await c.links.partition(CUT);
  await sleep(PARTITION_MS);
  await p.revert();
  const healedAt = Date.now();
  await sleep(15_000);
  const summary = await observer.stop();
  const into = summary.links.outages.filter((o) => o.linkType === 'gateway' && o.peer === CUT && o.downAt >= cutAt - 1000);
  return { down: into.map((o) => o.downAt - cutAt), up: into.filter((o) => o.upAt !== undefined && o.upAt !== null).map((o) => o.upAt! - healedAt) };
}

/** The observer's gaps between rounds on one server: the early ones, the last before a step record, and the one after it. */
async function gaps(c: StartedCluster): Promise<{ early: number[]; steady: number; woken: number }> {
  const records: TimelineRecord[] = [];
  const observer = await startObserver(c, { timeline: { append: (r) => records.push(r) }, intervalMs: 500 });
  const rounds = () => records.filter((r) => r.kind === 'varz' && r.server === 'iad-1').map((r) => r.t);
  try {
    await sleep(16_000);
    const t = rounds();
    const g = t.slice(1).map((x, i) => x - t[i]!);
    const before = t.at(-1)!;
    await sleep(200);
    observer.sink.append({ t: Date.now(), kind: 'step', scenario: 'bench', index: 0, name: 'wake', phase: 'start' });
    await sleep(4000);
    const next = rounds().find((x) => x > before)!;
    return { early: g.slice(1, 5), steady: g.at(-1)!, woken: next - before };
  } finally {
    await observer.stop();
  }
}

async function lameDuck(c: StartedCluster, name: string): Promise<number> {
  const nc = await connect({ servers: c.endpoints().find((e) => e.name === name)!.clientUrl, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  try {
    const t = await c.server(name).upgrade(patchedName(DEFAULT_NATS_TAG), { lameDuck: { durationSeconds: 30, graceSeconds: 5 } });
    return t.lameDuckMs;
  } finally {
    await nc.close();
  }
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const repeats = Number(process.env.BROWNOUT_LATENCY_REPEATS ?? 3);
  const log = (s: string) => process.stderr.write(`  observer-latency: ${s}\n`);
  const down: number[] = [];
  const up: number[] = [];
  const early: number[] = [];
  const steady: number[] = [];
  const woken: number[] = [];
  const duck: number[] = [];
  for (let i = 0; i < repeats; i++) {
    await withCluster('observer-latency cut', { variant: patchedName(DEFAULT_NATS_TAG), ping: { interval: '1s', max: 2 }, regions: ['iad', 'lhr', CUT].map((name) => ({ name, servers: 2 })) }, async (c) => {
      const r = await cutAndHeal(c);
      down.push(...r.down);
      up.push(...r.up);
      log(`cut ${i + 1}: down after ${r.down.join(', ')} ms; up after the heal ${r.up.join(', ')} ms`);
    }, log);
    await withCluster('observer-latency gaps', { variant: patchedName(DEFAULT_NATS_TAG), regions: [{ name: 'iad', servers: 17 }, { name: 'lhr', servers: 17 }] }, async (c) => {
      const r = await gaps(c);
      early.push(...r.early);
      steady.push(r.steady);
      woken.push(r.woken);
      log(`gaps ${i + 1}: early ${r.early.join(', ')} ms, steady ${r.steady} ms, after a step ${r.woken} ms`);
    }, log);
    await withCluster('observer-latency lame duck', { variant: DEFAULT_NATS_TAG, regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }], ping: { interval: '1s', max: 2 }, lameDuck: { durationSeconds: 30, graceSeconds: 5 } }, async (c) => {
      const ms = await lameDuck(c, 'iad-1');
      duck.push(ms);
      log(`lame duck ${i + 1}: ${ms} ms`);
    }, log);
  }
  const rows: [string, string, Stats][] = [
    ['cut → gateway down (observer 500 ms)', 'test: before the heal', stats(down)],
    ['heal → gateway up', 'test: < 15 s', stats(up)],
    ['round gaps 2–5 at 34 servers: the floor (1.7 s) until 4 quiet rounds stretch the next', 'test: one < 2.95 s', stats(early)],
    ['round gap when steady (3 s)', 'test: ≥ 2.98 s', stats(steady)],
    ['last round → first after a step record', 'test: < 2.95 s', stats(woken)],
    ['lame duck, one client, grace 5 s', 'test: ≥ 4.5 s, < 25 s; grace by the server log 4.5–9 s', stats(duck)],
  ];
  const markdown = [
    `Local backend, ${repeats} repeats. Each row: how many values, min / median / p90 / max in ms, and the bound the test asserts instead.`,
    '',
    '| what | n | min | median | p90 | max | the test asserts |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(([what, bound, s]) => `| ${what} | ${s.n} | ${s.min} | ${s.median} | ${s.p90} | ${s.max} | ${bound} |`),
  ].join('\n');
  return { name: 'Observer and lame-duck latencies (timings the tests only bound)', markdown, data: { repeats, down, up, early, steady, woken, duck } };
}
