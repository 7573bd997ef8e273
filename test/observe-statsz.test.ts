// STATSZ storms seen from outside: restart one server of a 3×4 super-cluster and count STATSZ on a
// system-account subscription on a server that is not restarted, in the target's own region (the
// burst reaches it over routes). Stock bursts from the restarted server's new ID; patched does not.
import assert from 'node:assert/strict';
import { parseTopology, startCluster, waitFor, type StartedCluster } from '../clusters/index.ts';
import { startObserver, type ObserverSummary } from '../harness/observe/index.ts';
import { MemoryTimeline, recordsOf, timelineRecord } from '../harness/timeline/index.ts';
import { ensureBuilt, type Built } from './support/build.ts';

const TARGET = 'iad-2';
const SUBSCRIBE_ON = 'iad-1';

interface RestartRun { newId: string; oldId: string; summary: ObserverSummary; timeline: MemoryTimeline }

async function restartOne(variant: string): Promise<RestartRun> {
  const topology = parseTopology({
    variant, ping: { interval: '1s', max: 2 },
    regions: ['iad', 'lhr', 'syd'].map((name) => ({ name, servers: 4 })),
  });
  const cluster: StartedCluster = await startCluster(topology, { backend: 'local', meshDeadlineMs: 60_000 });
  try {
    const timeline = new MemoryTimeline();
    const observer = await startObserver(cluster, { timeline, statszOn: SUBSCRIBE_ON, intervalMs: 500 });
    try {
      // Let the start-up STATSZ (every server sends a few while its own ticker ramps up) die down.
      await new Promise((r) => setTimeout(r, 2500));
      const oldId = await cluster.server(TARGET).serverId();
      observer.note(`restarting ${TARGET}`);
      await cluster.server(TARGET).restart();
      const newId = await cluster.server(TARGET).serverId();
      await waitFor(`a STATSZ from ${TARGET}'s new ID ${newId.slice(0, 8)} on ${SUBSCRIBE_ON}`, 20_000, async () => {
        const seen = recordsOf(observer.records(), 'statsz').some((r) => r.serverId === newId);
        return seen ? { done: true, value: true } : { done: false, missing: 'no per-second record for the new ID yet' };
      }, 250);
      // The storm lasts well under a second; 3 s covers it and the first periodic STATSZ after it.
      await new Promise((r) => setTimeout(r, 3000));
      return { newId, oldId, summary: await observer.stop(), timeline };
    } finally {
      await observer.stop();
    }
  } finally {
    await cluster.stop();
  }
}

function report(variant: string, run: RestartRun): void {
  const rows = run.summary.statsz.perServer.map((s) => `${s.server}:${s.peakPerSecond}`).join(' ');
  const bursts = run.summary.statsz.bursts.map((b) => `${b.serverName}[${b.serverId.slice(0, 6)}] ${b.msgs} msgs (peak ${b.peak}/100ms)`).join('; ');
  console.log(`      ${variant}: per-second STATSZ peak per server ${rows}`);
  console.log(`      ${variant}: bursts ${bursts || 'none'}; subscription ${run.summary.crossCheck.statszMsgs} msgs vs varz out ${run.summary.crossCheck.varzOutMsgs}, routes out ${run.summary.crossCheck.routeOutMsgs}, gateways out ${run.summary.crossCheck.gatewayOutMsgs}`);
}

describe('observe statsz', function () {
  let built: Built;
  before(async function () {
    this.timeout(600_000);
    built = await ensureBuilt();
  });

  it('observe statsz - restarting one server of 3×4 stock is a STATSZ burst from its new ID', async function () {
    this.timeout(120_000);
    const run = await restartOne(built.stock);
    report('stock', run);
    for (const r of run.timeline.records) assert.ok(timelineRecord.safeParse(r).success, `invalid ${r.kind} record`);
    const target = run.summary.statsz.perServer.find((s) => s.server === TARGET);
    assert.ok(target, `no STATSZ counted from ${TARGET}`);
    assert.ok(target.ids.includes(run.newId), `${TARGET}'s new ID not among ${target.ids.join(', ')}`);
    const burst = run.summary.statsz.bursts.find((b) => b.serverId === run.newId);
    assert.ok(burst, `no burst from ${TARGET}'s new ID; bursts: ${JSON.stringify(run.summary.statsz.bursts)}`);
    assert.ok(burst.peak >= 3, `burst peak ${burst.peak}`);
    assert.ok(target.peakPerSecond >= 3, `per-second peak of ${TARGET} is ${target.peakPerSecond}`);
    assert.ok(recordsOf(run.timeline.records, 'server').some((r) => r.state === 'restarted' && r.server === TARGET && r.serverId === run.newId));
  });

  it('observe statsz - restarting one server of 3×4 patched sends no burst', async function () {
    this.timeout(120_000);
    const run = await restartOne(built.patched);
    report('patched', run);
    const target = run.summary.statsz.perServer.find((s) => s.server === TARGET);
    assert.ok(target?.ids.includes(run.newId), `no STATSZ counted from ${TARGET}'s new ID`);
    const bursts = run.summary.statsz.bursts.filter((b) => b.serverId === run.newId);
    assert.deepEqual(bursts, [], `bursts from ${TARGET}'s new ID`);
    // Rate-limited to 1/s: two messages at least a second apart never share a wall-clock second.
    const perSecond = recordsOf(run.timeline.records, 'statsz').filter((r) => r.serverId === run.newId).map((r) => r.msgs);
    assert.ok(Math.max(...perSecond) <= 1, `per-second STATSZ of ${TARGET}'s new ID: ${perSecond.join(', ')}`);
  });
});
