// Every dashboard panel against a real Prometheus. The run dashboard against a real run: a 3-region super-cluster of
// stock servers with the observer, the log-stream probe and /metrics; Debian's prometheus scrapes it
// every second while the run cuts a region off and heals it, restarts a server (a STATSZ storm on
// stock), holds a gateway in its handshake behind a blackhole, makes a real slow consumer, and
// upgrades another to the patched variant. The rollout dashboard against a real rollout (stock to
// patched on 2×2 local servers: canary with a comparison and a fault in its soak, then global).
// Each panel's and annotation's query must return data, and not only zeros: the runs make every
// state a panel counts happen at least once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { connect } from 'nats';
import path from 'node:path';
import { Registry } from 'prom-client';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { DASHBOARD_FILES } from '../dashboards/generate.ts';
import { classifyValues, findPrometheus, queriesWithoutData, startPrometheus, type StartedPrometheus } from '../dashboards/prometheus-check.ts';
import { dashboardQueries, expandVariables } from '../dashboards/queries.ts';
import { startMetricsServer, type MetricsServer } from '../harness/metrics/index.ts';
import { RolloutController } from '../harness/rollout/controller/controller.ts';
import { silentProgress } from '../core/progress.ts';
import { startObserver, type StartedObserver } from '../harness/observe/index.ts';
import { MemoryTimeline, recordsOf, type TimelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt } from './support/build.ts';
import { skipBecause } from './support/skip.ts';

const SCENARIO = 'dashboards-check';
const CUT = 'syd';
const RESTARTED = 'iad-3';
const CANARY = 'iad-2';
/** Restarted while every link into CUT is blackholed: its outbound gateway to CUT hangs in handshake. */
const HANDSHAKE = 'lhr-2';
/** Where a raw client that never reads becomes a slow consumer. */
const SLOW = 'lhr-1';
/** Grafana's $__rate_interval for a 1 s scrape interval: max(4 × scrape interval, step + scrape interval). */
const VARS = { rateInterval: '4s', interval: '1s', range: '5m' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RUN_DASHBOARD = 'dashboards/json/brownout-run.json';
const ROLLOUT_DASHBOARD = 'dashboards/json/brownout-rollout.json';

const queries = (file: keyof typeof DASHBOARD_FILES) => dashboardQueries(JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')))
  .map((q) => ({ ...q, run: expandVariables(q.expr, VARS) }));

describe('dashboards prometheus', function () {
  let cluster: StartedCluster | undefined;
  let observer: StartedObserver | undefined;
  let metrics: MetricsServer | undefined;
  let prom: StartedPrometheus | undefined;
  let startMs = 0;
  let endMs = 0;
  let scrapes = 0;
  const timeline = new MemoryTimeline();

  before(async function () {
    if (!findPrometheus()) {
      if (process.env.CI) throw new Error('prometheus is not installed (CI must install Debian\'s prometheus package)');
      skipBecause(this, 'prometheus is not installed (apt-get install prometheus)');
    }
    this.timeout(600_000);
    const built = await ensureBuilt();
    this.timeout(240_000);
    cluster = await startCluster(parseTopology({
      variant: built.stock, ping: { interval: '1s', max: 2 },
      regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 2 }, { name: CUT, servers: 2 }],
    }), { backend: 'local', meshDeadlineMs: 60_000 });
    const registry = new Registry();
    metrics = await startMetricsServer(registry);
    prom = await startPrometheus(`127.0.0.1:${metrics.port}`);
    // Prometheus hands new targets to its scrape loop every 5 s: start the run once it scrapes.
    await waitFor(`prometheus to scrape ${metrics.url}`, 20_000, async () => ((await prom!.scrapes()) > 0 ? { done: true, value: true } : { done: false, missing: 'no scrape yet' }), 250);
    startMs = Date.now();
    observer = await startObserver(cluster, {
      timeline, registry, statszOn: 'iad-1', intervalMs: 500, scenario: SCENARIO,
      probe: { ratePerSecond: 20, windowMs: 1000, settleMs: 1500, stallIntervals: 20 },
      serverLogs: (name) => cluster!.server(name).logs(),
    });
    const rec = (r: TimelineRecord) => observer!.sink.append(r);
    const step = (index: number, name: string) => rec({ t: Date.now(), kind: 'step', scenario: SCENARIO, index, name, phase: 'start' });

    step(0, 'baseline');
    await sleep(4000);

    step(1, 'partition');
    rec({ t: Date.now(), kind: 'fault', id: 'f1', step: 1, fault: 'partition', phase: 'applied', targets: [CUT] });
    const partition = await cluster.links.partition(CUT);
    await sleep(6000);
    await partition.revert();
    rec({ t: Date.now(), kind: 'fault', id: 'f1', step: 1, fault: 'partition', phase: 'reverted', targets: [CUT] });
    const healedAt = Date.now();
    await waitFor(`every gateway into ${CUT} up again`, 30_000, async () => {
      const last = new Map<string, string>();
      for (const l of recordsOf(observer!.records(), 'link')) if (l.linkType === 'gateway') last.set(`${l.server}>${l.peer}`, l.state);
      const recovered = recordsOf(observer!.records(), 'link').some((l) => l.peer === CUT && l.recoveryMs !== undefined && l.t >= healedAt - 1000);
      const down = [...last].filter(([, s]) => s !== 'up').map(([k, s]) => `${k} ${s}`);
      return recovered && down.length === 0 ? { done: true, value: true } : { done: false, missing: down.join(', ') || 'no recovery yet' };
    }, 250);

    step(2, 'restart');
    rec({ t: Date.now(), kind: 'fault', id: 'f2', step: 2, fault: 'restart', phase: 'applied', targets: [RESTARTED] });
    await cluster.server(RESTARTED).restart();
    rec({ t: Date.now(), kind: 'fault', id: 'f2', step: 2, fault: 'restart', phase: 'reverted', targets: [RESTARTED] });
    await sleep(3000);

    step(3, 'handshake');
    rec({ t: Date.now(), kind: 'fault', id: 'f3', step: 3, fault: 'blackhole', phase: 'applied', targets: [CUT] });
    const hole = await cluster.links.addToxic({ to: CUT }, { type: 'blackhole', direction: 'both', toxicity: 1 });
    await cluster.server(HANDSHAKE).restart();
    await waitFor(`${HANDSHAKE}'s gateway to ${CUT} in handshake behind the blackhole`, 30_000, async () => {
      const seen = recordsOf(observer!.records(), 'link').some((l) => l.server === HANDSHAKE && l.peer === CUT && l.linkType === 'gateway' && l.state === 'handshake');
      return seen ? { done: true, value: true } : { done: false, missing: 'no handshake link record yet' };
    }, 250);
    await sleep(3000);
    // Removing the timeout toxic closes the held connections (Toxiproxy's cleanup): stock redials.
    await hole.remove();
    rec({ t: Date.now(), kind: 'fault', id: 'f3', step: 3, fault: 'blackhole', phase: 'reverted', targets: [CUT] });
    await cluster.waitForMesh(60_000);

    step(4, 'slow consumer');
    const slow = await makeSlowConsumer(cluster, SLOW);
    try {
      await waitFor(`${SLOW}'s /varz to count a slow consumer`, 30_000, async () => {
        const n = recordsOf(observer!.records(), 'varz').filter((v) => v.server === SLOW).at(-1)?.slowConsumers ?? 0;
        return n > 0 ? { done: true, value: n } : { done: false, missing: `slow_consumers ${n}` };
      }, 250);
    } finally {
      slow.destroy();
    }
    await sleep(2000);

    step(5, 'upgrade canary');
    rec({ t: Date.now(), kind: 'fault', id: 'f5', step: 5, fault: 'upgrade', phase: 'applied', targets: [CANARY], attributes: { variant: built.patched } });
    await cluster.server(CANARY).replaceVariant(built.patched);
    await cluster.waitForMesh(30_000);
    await sleep(4000);
    await observer.stop();
    // Two more scrapes of the final values.
    await sleep(2500);
    endMs = Date.now();
    scrapes = await prom.scrapes();
  });

  after(async function () {
    this.timeout(60_000);
    await observer?.stop();
    await prom?.stop();
    await metrics?.stop();
    await cluster?.stop();
  });


  it('dashboards prometheus - Prometheus scraped the run\'s /metrics every second', () => {
    const seconds = (endMs - startMs) / 1000;
    assert.ok(scrapes >= seconds * 0.9, `${scrapes} scrapes in ${seconds.toFixed(0)} s`);
    console.log(`      ${scrapes} scrapes over ${seconds.toFixed(0)} s`);
  });

  it('dashboards prometheus - every panel and annotation query of the run dashboard returns data over the run', async function () {
    this.timeout(120_000);
    const all = queries(RUN_DASHBOARD);
    // A whole pool is the healthy value: a restart may refill every pool between two samples.
    const zeroOk = new Map([['brownout run / Route pool slots missing per server A', 'every route pool whole at every sample is a healthy run']]);
    const missing = await queriesWithoutData(prom!, all, startMs, endMs, zeroOk);
    assert.deepEqual(missing, []);
    console.log(`      ${all.length} queries returned data`);
  });

  it('dashboards prometheus - a query for a series the run never had, or one that is always 0, is reported as a panel without data', async () => {
    const missing = await queriesWithoutData(prom!, [
      { dashboard: 'd', panel: 'p', refId: 'A', expr: '', run: 'brownout_statsz_messages_total{server="nowhere-9"}' },
      { dashboard: 'd', panel: 'nan', refId: 'B', expr: '', run: '(brownout_server_info - 1) / (brownout_server_info - 1)' },
      { dashboard: 'd', panel: 'ok', refId: 'C', expr: '', run: 'brownout_server_info' },
      { dashboard: 'd', panel: 'zero', refId: 'D', expr: '', run: 'brownout_server_info - brownout_server_info' },
      { dashboard: 'd', panel: 'zero ok', refId: 'E', expr: '', run: 'brownout_server_info * 0' },
    ], startMs, endMs, new Map([['d / zero ok E', 'a test of the allowance']]));
    assert.deepEqual(missing.map((m) => m.split(':').slice(0, 2).join(':')), ['d / p A: no data for brownout_statsz_messages_total{server="nowhere-9"}', 'd / nan B: no data for (brownout_server_info - 1) / (brownout_server_info - 1)', 'd / zero D: only zeros for brownout_server_info - brownout_server_info']);
  });

  it('dashboards prometheus - values are data only when one is a number other than 0', () => {
    const table: [string[], string][] = [[[], 'none'], [['NaN', 'NaN'], 'none'], [['0', '0', 'NaN'], 'zeros'], [['0', '-0'], 'zeros'], [['0', '0.5'], 'data'], [['-1'], 'data'], [['+Inf'], 'data'], [['0', '-Inf'], 'data']];
    for (const [values, want] of table) assert.equal(classifyValues(values), want, JSON.stringify(values));
  });

  it('dashboards prometheus - the version series shows the canary moving to the patched build', async () => {
    const series = await prom!.queryRange(`brownout_server_info{server="${CANARY}"}`, startMs, endMs, 1);
    // In time order; between the two, the harness may already say patched while /varz still says stock.
    const pairs = series.sort((a, b) => a.values[0]![0] - b.values[0]![0]).map((s) => `${s.metric['variant']} ${s.metric['version']}`);
    assert.equal(pairs[0], 'v2.10.14 2.10.14', pairs.join(' → '));
    assert.equal(pairs[pairs.length - 1], 'v2.10.14+brownout 2.10.14+brownout', pairs.join(' → '));
    assert.ok(pairs.length <= 3 && pairs.slice(1, -1).every((p) => p === 'v2.10.14+brownout 2.10.14'), pairs.join(' → '));
    console.log(`      ${CANARY}: ${pairs.join(' → ')}`);
  });
});


describe('dashboards prometheus, the rollout dashboard', function () {
  let metrics: MetricsServer | undefined;
  let prom: StartedPrometheus | undefined;
  let startMs = 0;
  let endMs = 0;
  let phase = '';

  before(async function () {
    if (!findPrometheus()) {
      if (process.env.CI) throw new Error('prometheus is not installed (CI must install Debian\'s prometheus package)');
      skipBecause(this, 'prometheus is not installed (apt-get install prometheus)');
    }
    this.timeout(600_000);
    const built = await ensureBuilt();
    this.timeout(300_000);
    const registry = new Registry();
    metrics = await startMetricsServer(registry);
    prom = await startPrometheus(`127.0.0.1:${metrics.port}`);
    await waitFor(`prometheus to scrape ${metrics.url}`, 20_000, async () => ((await prom!.scrapes()) > 0 ? { done: true, value: true } : { done: false, missing: 'no scrape yet' }), 250);
    startMs = Date.now();
    const c = new RolloutController({ progress: silentProgress, registry, statusEverySeconds: 60 });
    const s = await c.start({ source: 'dashboards-rollout.yaml', playbook: `
name: dashboards-rollout
cluster:
  backend: local
  topology: { regions: [ { name: iad, servers: 2 }, { name: lhr, servers: 2 } ], ping: { interval: 1s, max: 2 } }
baseline: ${built.stock}
target: ${built.patched}
seed: 3
stages:
  - kind: canary
    server: iad-1
    upgrade: { lameDuck: { enabled: false } }
    soakSeconds: 10
    faults: [ { type: latency, to: lhr, latencyMs: 50, atSeconds: 2, holdSeconds: 4 } ]
    # The comparison is here for its metrics, not its verdict: on two busy cores a 10 s soak can score
    # below 95 (seen: 66.7), and a rollback would leave this test without the stages it checks.
    gates: [ { threshold: recovery.noneStuck }, { compare: { baseline: iad-2, metrics: [statsz.rate, rss, cpu], pass: 0, marginal: 0 } } ]
  - kind: global
    upgrade: { batchSize: 3, lameDuck: { enabled: false } }
    soakSeconds: 5
    gates: [ { threshold: recovery.noneStuck } ]
` });
    const end = await c.settled(s.id);
    phase = `${end.phase}: ${end.message}`;
    // Two more scrapes of the final values.
    await sleep(2500);
    endMs = Date.now();
  });

  after(async function () {
    this.timeout(60_000);
    await prom?.stop();
    await metrics?.stop();
  });

  it('dashboards prometheus - the rollout succeeded, and every query of the rollout dashboard returns data from it', async function () {
    this.timeout(120_000);
    assert.match(phase, /^succeeded: /);
    const all = queries(ROLLOUT_DASHBOARD);
    const missing = await queriesWithoutData(prom!, all, startMs, endMs);
    assert.deepEqual(missing, []);
    console.log(`      ${all.length} queries returned data over a ${((endMs - startMs) / 1000).toFixed(0)} s rollout`);
  });

  it('dashboards prometheus - every dashboard is checked by one of the two runs', () => {
    assert.deepEqual(Object.keys(DASHBOARD_FILES).sort(), [ROLLOUT_DASHBOARD, RUN_DASHBOARD].sort());
  });
});

/**
 * A real slow consumer on `name`: a raw client subscribes and never reads while another publishes
 * more than the server's max_pending (64 MiB by default), so the server cuts it off and counts it.
 */
async function makeSlowConsumer(cluster: StartedCluster, name: string): Promise<net.Socket> {
  const url = new URL(cluster.endpoints().find((e) => e.name === name)!.clientUrl);
  const raw = net.connect(Number(url.port), url.hostname);
  raw.on('error', () => { /* the server cuts it off: that is the point */ });
  try {
    await waitFor(`a raw client subscribed on ${name}`, 10_000, async () => ({ done: raw.readyState === 'open', value: true, missing: raw.readyState }), 50);
    const pong = new Promise<void>((resolve) => { let got = ''; raw.on('data', (b: Buffer) => { got += b.toString(); if (got.includes('PONG')) resolve(); }); });
    raw.write('CONNECT {"verbose":false,"pedantic":false,"name":"dashboards-slow-consumer"}\r\nSUB slow.> 1\r\nPING\r\n');
    await Promise.race([pong, sleep(10_000).then(() => { throw new Error(`no PONG from ${name} within 10 s`); })]);
    raw.removeAllListeners('data');
    raw.pause();
    const nc = await connect({ servers: url.href, name: 'dashboards-slow-producer' });
    try {
      const chunk = new Uint8Array(512 * 1024);
      for (let i = 0; i < 200; i++) {
        nc.publish('slow.x', chunk);
        if (i % 20 === 19) await nc.flush();
      }
      await nc.flush();
    } finally {
      await nc.close();
    }
    return raw;
  } catch (err) {
    raw.destroy();
    throw err;
  }
}
