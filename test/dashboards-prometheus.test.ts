// Every dashboard panel against a real Prometheus scraping a real run: a 3-region super-cluster of
// stock servers with the observer, the log-stream probe and /metrics; Debian's prometheus scrapes it
// every second while the run cuts a region off and heals it, restarts a server (a STATSZ storm on
// stock) and upgrades another to the patched variant under the rollout metrics' setters. Then each
// panel's and annotation's query must return data over the run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { DASHBOARD_FILES } from '../dashboards/generate.ts';
import { findPrometheus, queriesWithoutData, startPrometheus, type StartedPrometheus } from '../dashboards/prometheus-check.ts';
import { dashboardQueries, expandVariables } from '../dashboards/queries.ts';
import { rolloutMetrics, startMetricsServer, type MetricsServer } from '../harness/metrics/index.ts';
import { startObserver, type StartedObserver } from '../harness/observe/index.ts';
import { MemoryTimeline, recordsOf, type TimelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt } from './support/build.ts';
import { skipBecause } from './support/skip.ts';

const SCENARIO = 'dashboards-check';
const CUT = 'syd';
const RESTARTED = 'iad-3';
const CANARY = 'iad-2';
/** Grafana's $__rate_interval for a 1 s scrape interval: max(4 × scrape interval, step + scrape interval). */
const VARS = { rateInterval: '4s', interval: '1s', range: '5m' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
    });
    const rec = (r: TimelineRecord) => observer!.sink.append(r);
    const step = (index: number, name: string) => rec({ t: Date.now(), kind: 'step', scenario: SCENARIO, index, name, phase: 'start' });
    const rollout = rolloutMetrics(registry);
    rollout.setRolloutPhase(SCENARIO, 'progressing');
    rollout.setStage(SCENARIO, 'canary', 0, 'pending');
    for (const e of cluster.endpoints()) {
      rollout.setServerRole(e.name, e.region, e.name === CANARY ? 'canary' : 'baseline');
      rollout.setServerState(e.name, e.region, 'pending');
    }

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

    step(3, 'upgrade canary');
    const region = cluster.server(CANARY).region;
    rollout.setStage(SCENARIO, 'canary', 0, 'upgrading');
    rollout.setServerState(CANARY, region, 'lame-duck');
    rec({ t: Date.now(), kind: 'fault', id: 'f3', step: 3, fault: 'upgrade', phase: 'applied', targets: [CANARY], attributes: { variant: built.patched } });
    rollout.setServerState(CANARY, region, 'starting');
    await cluster.server(CANARY).replaceVariant(built.patched);
    rollout.setServerState(CANARY, region, 'waiting-mesh');
    await cluster.waitForMesh(30_000);
    rollout.setServerState(CANARY, region, 'done');
    rollout.setStage(SCENARIO, 'canary', 0, 'soaking');
    await sleep(4000);
    rollout.setStage(SCENARIO, 'canary', 0, 'judging');
    rollout.setGate('canary', 'statsz.maxPerServerPerSecond', 'pass');
    rollout.setGate('canary', 'compare', 'pass');
    rollout.setComparison('canary', [{ metric: 'statsz.rate', shift: -1, pValue: 0.04 }, { metric: 'rss', shift: 0.5, pValue: 0.6 }], 100);
    rollout.setStage(SCENARIO, 'canary', 0, 'passed');
    rollout.setStage(SCENARIO, 'region', 1, 'upgrading');
    await sleep(3000);
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

  const queries = () => Object.keys(DASHBOARD_FILES).flatMap((f) => dashboardQueries(JSON.parse(readFileSync(path.join(REPO_ROOT, f), 'utf8'))))
    .map((q) => ({ ...q, run: expandVariables(q.expr, VARS) }));

  it('dashboards prometheus - Prometheus scraped the run\'s /metrics every second', () => {
    const seconds = (endMs - startMs) / 1000;
    assert.ok(scrapes >= seconds * 0.9, `${scrapes} scrapes in ${seconds.toFixed(0)} s`);
    console.log(`      ${scrapes} scrapes over ${seconds.toFixed(0)} s`);
  });

  it('dashboards prometheus - every panel and annotation query returns data over the run', async function () {
    this.timeout(120_000);
    const all = queries();
    const missing = await queriesWithoutData(prom!, all, startMs, endMs);
    assert.deepEqual(missing, []);
    console.log(`      ${all.length} queries from ${Object.keys(DASHBOARD_FILES).length} dashboards returned data`);
  });

  it('dashboards prometheus - a query for a series the run never had is reported as a panel without data', async () => {
    const missing = await queriesWithoutData(prom!, [
      { dashboard: 'd', panel: 'p', refId: 'A', expr: '', run: 'brownout_statsz_messages_total{server="nowhere-9"}' },
      { dashboard: 'd', panel: 'nan', refId: 'B', expr: '', run: '(brownout_server_info - 1) / (brownout_server_info - 1)' },
      { dashboard: 'd', panel: 'ok', refId: 'C', expr: '', run: 'brownout_server_info' },
    ], startMs, endMs);
    assert.deepEqual(missing.map((m) => m.split(':')[0]), ['d / p A', 'd / nan B']);
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
