// One run on a 3×2 super-cluster with the log-stream probe and /metrics: a quiet baseline, a 10 s
// partition of `syd`, the heal, then a paused server under a probe subscriber. Each `it` asserts on
// one part of what the observer, the probe and the exporter reported about that run.
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { startObserver, type ObserverSummary, type StartedObserver } from '../harness/observe/index.ts';
import { startMetricsServer, type MetricsServer } from '../harness/metrics/index.ts';
import { MemoryTimeline, recordsOf, timelineRecord, type TimelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt } from './support/build.ts';

const CUT = 'syd';
const PARTITION_MS = 10_000;

interface Scrape { types: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] }

/** The Prometheus text format, just enough for assertions. */
function parseExposition(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

const value = (s: Scrape, name: string, labels: Record<string, string> = {}): number | undefined =>
  s.samples.find((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))?.value;

describe('observe partition', function () {
  let cluster: StartedCluster | undefined;
  let observer: StartedObserver | undefined;
  let metrics: MetricsServer | undefined;
  const timeline = new MemoryTimeline();
  let summary: ObserverSummary;
  let cutAt = 0;
  let healedAt = 0;
  /** When the pause began: what the paused server does to gateways is not the partition's. */
  let pausedAt = 0;
  let pausedServer = '';
  let midScrape: Scrape;
  let endScrape: Scrape;
  let scrapeContentType = '';

  before(async function () {
    this.timeout(600_000);
    const built = await ensureBuilt();
    this.timeout(120_000);
    cluster = await startCluster(parseTopology({
      variant: built.patched, ping: { interval: '1s', max: 2 },
      regions: ['iad', 'lhr', CUT].map((name) => ({ name, servers: 2 })),
    }), { backend: 'local', meshDeadlineMs: 60_000 });
    const registry = new Registry();
    metrics = await startMetricsServer(registry);
    observer = await startObserver(cluster, {
      timeline, registry, statszOn: 'iad-1', intervalMs: 500, scenario: 'observe-partition',
      probe: { ratePerSecond: 20, windowMs: 1000, settleMs: 1500, stallIntervals: 20 },
    });
    const rec = (r: TimelineRecord) => observer!.sink.append(r);

    // Baseline: no fault.
    await new Promise((r) => setTimeout(r, 4000));
    const scrape = async () => {
      const res = await fetch(metrics!.url, { signal: AbortSignal.timeout(5000) });
      scrapeContentType = res.headers.get('content-type') ?? '';
      return parseExposition(await res.text());
    };
    midScrape = await scrape();

    cutAt = Date.now();
    rec({ t: cutAt, kind: 'fault', fault: 'partition', phase: 'applied', targets: [CUT] });
    const partition = await cluster.links.partition(CUT);
    await new Promise((r) => setTimeout(r, PARTITION_MS));
    await partition.revert();
    healedAt = Date.now();
    rec({ t: healedAt, kind: 'fault', fault: 'partition', phase: 'reverted', targets: [CUT] });
    await waitFor(`every gateway up again after healing ${CUT}`, 20_000, async () => {
      const down = [...latestLinks(observer!.records()).values()].filter((l) => l.state !== 'up' && l.t >= cutAt);
      return down.length === 0 ? { done: true, value: true } : { done: false, missing: down.map((l) => `${l.server}→${l.peer} ${l.state}`).join(', ') };
    }, 250);
    // Probe windows after the heal, past the settle time, must deliver everything.
    await new Promise((r) => setTimeout(r, 4000));

    // A paused server (sockets open, nothing answers) under the syd subscriber: it must notice and move.
    pausedServer = observer.probe!.subscriberServers()[CUT]!;
    pausedAt = Date.now();
    rec({ t: Date.now(), kind: 'fault', fault: 'pause', phase: 'applied', targets: [pausedServer] });
    await cluster.server(pausedServer).pause();
    try {
      await waitFor(`the ${CUT} probe subscriber to resume after ${pausedServer} paused`, 20_000, async () => {
        const resumed = recordsOf(observer!.records(), 'probe-stall').some((r) => r.region === CUT && r.phase === 'resumed');
        return resumed ? { done: true, value: true } : { done: false, missing: 'no probe-stall resumed record' };
      }, 250);
    } finally {
      await cluster.server(pausedServer).resume();
      rec({ t: Date.now(), kind: 'fault', fault: 'pause', phase: 'reverted', targets: [pausedServer] });
    }
    summary = await observer.stop();
    endScrape = await scrape();
  });

  after(async function () {
    this.timeout(60_000);
    await observer?.stop();
    await metrics?.stop();
    await cluster?.stop();
  });

  it('observe partition - every record is valid against its schema', () => {
    const bad = timeline.records.filter((r) => !timelineRecord.safeParse(r).success);
    assert.deepEqual(bad, []);
  });

  it('observe partition - the cut region\'s gateways go down and their recovery time is measured', () => {
    const into = summary.links.outages.filter((o) => o.linkType === 'gateway' && o.peer === CUT && o.downAt >= cutAt - 1000 && o.downAt < pausedAt);
    const others = cluster!.endpoints().filter((e) => e.region !== CUT).map((e) => e.name);
    assert.deepEqual([...new Set(into.map((o) => o.server))].sort(), others.sort(), 'every server outside the cut region lost its gateway to it');
    for (const o of into) {
      // Order, not speed: down during the partition, up after the heal, within an upper bound with
      // margin. How soon the observer sees a cut is a timing (bench/observer-latency.bench.ts): two
      // busy cores can delay a round by seconds.
      assert.ok(o.downAt < healedAt, `${o.server}→${CUT} went down ${o.downAt - healedAt} ms after the heal, not during the partition`);
      assert.notEqual(o.recoveryMs, null, `${o.server}→${CUT} never came back`);
      assert.ok(o.upAt! >= healedAt - 1000, `${o.server}→${CUT} up ${healedAt - o.upAt!} ms before the heal`);
      assert.ok(o.upAt! < healedAt + 15_000, `${o.server}→${CUT} up ${o.upAt! - healedAt} ms after the heal`);
    }
    console.log(`      ${into.map((o) => `${o.server}→${o.peer} down ${((o.recoveryMs ?? 0) / 1000).toFixed(1)}s`).join(', ')}`);
  });

  it('observe partition - the probe loses nothing without a fault, loses into the cut region during it, and resumes', () => {
    const probes = recordsOf(timeline.records, 'probe');
    const before = probes.filter((p) => p.windowEnd <= cutAt);
    assert.ok(before.length >= 6, `only ${before.length} probe windows before the cut`);
    assert.deepEqual(before.filter((p) => p.lost > 0 || p.duplicated > 0).map((p) => `${p.from}→${p.to} lost ${p.lost} dup ${p.duplicated}`), []);
    assert.ok(before.every((p) => p.delivered > 0), 'every pair delivered before the cut');

    const during = probes.filter((p) => p.windowEnd > cutAt && p.windowStart < healedAt + 2000);
    const lostInto = during.filter((p) => p.to === CUT && p.from !== CUT).reduce((a, p) => a + p.lost, 0);
    assert.ok(lostInto > 0, `no loss into ${CUT} during the partition`);

    const recovered = Math.max(...recordsOf(timeline.records, 'link').filter((l) => l.peer === CUT && l.state === 'up' && l.t < pausedAt).map((l) => l.t));
    const afterHeal = probes.filter((p) => p.windowStart >= recovered + 2000 && p.windowEnd <= Math.min(recovered + 5000, pausedAt) && p.to === CUT);
    assert.ok(afterHeal.length > 0, 'no probe windows after the gateways recovered');
    assert.ok(afterHeal.every((p) => p.delivered > 0), `a pair into ${CUT} delivered nothing after the heal`);
    const totals = summary.probe.pairs.map((p) => `${p.from}→${p.to} ${p.delivered}/${p.sent} lost ${p.lost} p99 ${p.p99Ms?.toFixed(1)}ms gap ${(p.longestGapMs / 1000).toFixed(1)}s`);
    console.log(`      ${totals.join('\n      ')}`);
  });

  it('observe partition - a subscriber under a paused server is reported stalled, moves by itself, and says for how long', () => {
    const stall = summary.probe.stalls.find((s) => s.region === CUT && s.server === pausedServer);
    assert.ok(stall, `no stall of the ${CUT} subscriber on ${pausedServer}: ${JSON.stringify(summary.probe.stalls)}`);
    assert.ok(stall.stalledMs !== null && stall.stalledMs >= 1000, `stalled for ${stall.stalledMs} ms`);
    const phases = recordsOf(timeline.records, 'probe-stall').filter((r) => r.region === CUT).map((r) => r.phase);
    assert.deepEqual(phases.slice(0, 2), ['stalled', 'resubscribed']);
    assert.equal(phases[phases.length - 1], 'resumed');
    console.log(`      ${CUT} subscriber on ${pausedServer}: ${phases.join(' → ')}, stalled ${(stall.stalledMs! / 1000).toFixed(1)}s`);
  });

  it('observe partition - /metrics over HTTP has brownout_* names, types and values from the run', () => {
    assert.match(scrapeContentType, /^text\/plain/);
    const want: Record<string, string> = {
      brownout_statsz_messages_total: 'counter', brownout_statsz_bytes_total: 'counter', brownout_statsz_peak_per_second: 'gauge',
      brownout_route_connections_up: 'gauge', brownout_gateway_connections_up: 'gauge', brownout_gateway_connections_handshake: 'gauge',
      brownout_handshake_recovery_seconds: 'histogram', brownout_server_rss_bytes: 'gauge', brownout_server_cpu_percent: 'gauge',
      brownout_probe_sent_total: 'counter', brownout_probe_delivered_total: 'counter', brownout_probe_lost_total: 'counter',
      brownout_probe_latency_seconds: 'gauge', brownout_scenario_step_info: 'gauge', brownout_observer_cpu_percent: 'gauge',
    };
    for (const [name, type] of Object.entries(want)) assert.equal(endScrape.types.get(name), type, `type of ${name}`);
    for (const name of endScrape.types.keys()) assert.match(name, /^brownout_/);

    // Mid-run, before the fault: a full mesh, STATSZ counted, the probe delivering.
    assert.equal(value(midScrape, 'brownout_gateway_connections_up', { server: 'iad-1' }), 2);
    assert.equal(value(midScrape, 'brownout_route_connections_up', { server: 'iad-1' }), 1);
    assert.ok((value(midScrape, 'brownout_statsz_messages_total', { server: 'lhr-1' }) ?? 0) > 0);
    assert.ok((value(midScrape, 'brownout_probe_delivered_total', { from: 'iad', to: CUT }) ?? 0) > 0);
    assert.equal(value(midScrape, 'brownout_probe_lost_total', { from: 'iad', to: CUT }), 0);
    assert.ok((value(midScrape, 'brownout_server_rss_bytes', { server: 'syd-1' }) ?? 0) > 1 << 20);
    assert.equal(value(midScrape, 'brownout_scenario_step_info', { scenario: 'observe-partition', step: '-' }), 1);

    // At the end: the partition's loss and the gateways' recovery are in.
    assert.ok((value(endScrape, 'brownout_probe_lost_total', { from: 'iad', to: CUT }) ?? 0) > 0);
    const recoveries = value(endScrape, 'brownout_handshake_recovery_seconds_count', { link_type: 'gateway' }) ?? 0;
    assert.ok(recoveries >= 4, `${recoveries} gateway recoveries observed`);
    const sum = value(endScrape, 'brownout_handshake_recovery_seconds_sum', { link_type: 'gateway' }) ?? 0;
    assert.ok(sum / recoveries >= (PARTITION_MS - 1500) / 1000 / 2, `mean recovery ${sum / recoveries}s`);
    assert.equal(value(endScrape, 'brownout_faults_active', { fault: 'partition' }), 0);
    assert.ok((value(endScrape, 'brownout_probe_stalls_total', { region: CUT }) ?? 0) >= 1);
  });
});

function latestLinks(records: readonly TimelineRecord[]): Map<string, { server: string; peer: string; state: string; t: number }> {
  const m = new Map<string, { server: string; peer: string; state: string; t: number }>();
  for (const r of recordsOf(records, 'link')) if (r.linkType === 'gateway') m.set(`${r.server}>${r.peer}`, { server: r.server, peer: r.peer, state: r.state, t: r.t });
  return m;
}
