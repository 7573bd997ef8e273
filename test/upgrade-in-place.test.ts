// ClusterServer.upgrade() on real servers: lame duck moves a real nats.js client to another server,
// then the server comes back on the target variant and the super-cluster meshes again. 2 regions ×
// 2 servers, stock → patched, lame duck 30 s / grace 5 s rendered from topology.lameDuck.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from 'nats';
import { parseTopology, readState, startCluster, waitFor, type StartedCluster, type UpgradeStep } from '../clusters/index.ts';
import { HarnessError } from '../core/errors.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { leftovers } from './clusters-shared.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { requireDockerEngine } from './support/docker-engine.ts';

const LAME_DUCK = { durationSeconds: 30, graceSeconds: 5 };

/** A client on `name` that knows the `others` as reconnect servers, with every status event it saw. */
async function watchedClient(c: StartedCluster, name: string, others: string[]) {
  const url = (n: string) => c.endpoints().find((e) => e.name === n)!.clientUrl;
  const nc: NatsConnection = await connect({
    servers: [url(name), ...others.map(url)], noRandomize: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'upgrade-test',
  });
  const events: { type: string; data: string }[] = [];
  void (async () => { for await (const s of nc.status()) events.push({ type: s.type, data: String(s.data) }); })();
  return { nc, events, home: url(name).replace('nats://', '') };
}

async function version(c: StartedCluster, name: string): Promise<string> {
  return (await monitorGet<Varz>(c.server(name).endpoint().monitorUrl, 'varz')).version;
}

/** ms between the last "Entering lame duck mode" and the "Closing existing clients" after it, by the server's log timestamps. */
function graceFromLog(log: string): number | undefined {
  const at = (line: string) => {
    const m = /(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
    return m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}Z`) : undefined;
  };
  const lines = log.split('\n');
  const enter = lines.map((l) => l.includes('Entering lame duck mode')).lastIndexOf(true);
  const close = enter < 0 ? undefined : lines.slice(enter).find((l) => l.includes('Closing existing clients'));
  const a = enter < 0 ? undefined : at(lines[enter]!);
  const b = close === undefined ? undefined : at(close);
  return a !== undefined && b !== undefined ? b - a : undefined;
}

describe('upgrade in place, the log reading', () => {
  it('upgrade - the grace in force is read from the server log\'s own timestamps, the last lame duck first', () => {
    const line = (ts: string, text: string) => `[1] 2026/12/05 ${ts} [INF] ${text}`;
    const log = (enter: string, close: string) => [line('01:00:00.000000', 'Starting nats-server'), line(enter, 'Entering lame duck mode, stop accepting new clients'), line(close, 'Closing existing clients')].join('\n');
    assert.equal(graceFromLog(log('01:00:01.250000', '01:00:06.260000')), 5010);
    // nats-server's default grace: out of the test's bound, as it should be.
    assert.equal(graceFromLog(log('01:00:01.000000', '01:00:11.000000')), 10_000);
    assert.equal(graceFromLog(`${log('01:00:01.000000', '01:00:11.000000')}\n${log('01:01:00.000000', '01:01:05.000000')}`), 5000);
    assert.equal(graceFromLog(line('01:00:01.000000', 'Entering lame duck mode, stop accepting new clients')), undefined);
    assert.equal(graceFromLog(''), undefined);
  });
});

for (const backend of ['local', 'docker'] as const) {
  describe(`upgrade in place on ${backend}`, function () {
    this.timeout(120_000);
    let built: Built;
    let c: StartedCluster | undefined;

    before(async function () {
      if (backend === 'docker') await requireDockerEngine(this);
      this.timeout(600_000);
      built = await ensureBuilt();
      c = await startCluster(parseTopology({
        regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }], variant: built.stock,
        ping: { interval: '1s', max: 2 }, lameDuck: LAME_DUCK,
      }), { backend, meshDeadlineMs: 60_000 });
    });
    after(async function () {
      this.timeout(60_000);
      if (!c) return;
      const { runId, runDir } = c;
      await c.stop();
      assert.deepEqual(await leftovers(runId, runDir), []);
    });

    it('upgrade - lame duck sends the client an ldm notice and moves it; the server comes back on the target and the cluster meshes', async () => {
      const s = c!.server('iad-1');
      const client = await watchedClient(c!, 'iad-1', ['iad-2', 'lhr-1']);
      try {
        const before = await s.serverId();
        const steps: UpgradeStep[] = [];
        const t = await s.upgrade(built.patched, { lameDuck: LAME_DUCK, onStep: (x) => steps.push(x) });
        assert.deepEqual(steps, ['lame-duck', 'starting'], 'it exited by itself: no SIGTERM stop');
        assert.equal(t.stopMs, 0);
        // nats-server closes the last client right after the grace period and then shuts down at once
        // (server.go lameDuckMode): with one client the lame duck lasts about the grace, 5 s here.
        // What must hold: at least the grace, and well before the 30 s duration (it ended because its
        // clients were gone, not at the deadline). That the rendered grace, not the default 10 s, is
        // in force is read from the server's own log below.
        assert.ok(t.lameDuckMs >= 4_500, `lame duck ${t.lameDuckMs} ms, shorter than the 5 s grace`);
        assert.ok(t.lameDuckMs < LAME_DUCK.durationSeconds * 1000 - 5_000, `lame duck ${t.lameDuckMs} ms: it ran to the ${LAME_DUCK.durationSeconds} s deadline`);
        assert.ok(t.startMs > 0);
        // The server's own clock: from entering lame duck to closing its clients is the grace in
        // force, 5 s rendered (nats-server's default is 10 s). Local logs append across restarts; a
        // docker upgrade replaces the container, and its log may go with it.
        const grace = graceFromLog(await s.logs());
        if (backend === 'local') assert.notEqual(grace, undefined, 'the server logged entering lame duck and closing its clients');
        if (grace !== undefined) assert.ok(grace >= 4_500 && grace < 9_000, `the server waited ${grace} ms between entering lame duck and closing its clients`);
        console.log(`      lame duck ${t.lameDuckMs} ms; grace by the server's log: ${grace === undefined ? 'not in the log' : `${grace} ms`}`);

        assert.ok(client.events.some((e) => e.type === 'ldm'), `no ldm status: ${JSON.stringify(client.events)}`);
        const moved = await waitFor('the client reconnected to another server', 15_000, async () => {
          const r = client.events.find((e) => e.type === 'reconnect');
          return r ? { done: true, value: r.data } : { done: false, missing: JSON.stringify(client.events) };
        });
        assert.notEqual(moved, client.home);
        await client.nc.flush();

        assert.equal(await version(c!, 'iad-1'), '2.10.14+brownout');
        assert.equal(s.variant, built.patched);
        assert.notEqual(await s.serverId(), before);
        assert.equal(await s.isRunning(), true);
        await c!.waitForMesh(60_000);

        // Another process attaching now reads the new variant (and, locally, the new pid).
        const state = readState(c!.runId)!;
        assert.equal(state.endpoints.find((e) => e.name === 'iad-1')?.variant, built.patched);
        if (backend === 'local') {
          const pid = state.local!.servers['iad-1']!.pid!;
          assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /v2\.10\.14\+brownout/);
        }

        // A restarted controller repeats the step: nothing happens.
        const id = await s.serverId();
        const again: UpgradeStep[] = [];
        assert.deepEqual(await s.upgrade(built.patched, { lameDuck: LAME_DUCK, onStep: (x) => again.push(x) }), { lameDuckMs: 0, stopMs: 0, startMs: 0 });
        assert.deepEqual(again, []);
        assert.equal(await s.serverId(), id);
      } finally {
        await client.nc.close();
      }
    });

    if (backend !== 'local') return;

    it('upgrade - without lame duck the client gets no ldm notice, only the disconnect', async () => {
      const s = c!.server('lhr-1');
      const client = await watchedClient(c!, 'lhr-1', ['lhr-2', 'iad-2']);
      try {
        const steps: UpgradeStep[] = [];
        const t = await s.upgrade(built.patched, { onStep: (x) => steps.push(x) });
        assert.deepEqual(steps, ['stopping', 'starting']);
        assert.equal(t.lameDuckMs, 0);
        await waitFor('the client reconnected', 15_000, async () =>
          client.events.some((e) => e.type === 'reconnect') ? { done: true, value: true } : { done: false, missing: JSON.stringify(client.events) });
        assert.ok(client.events.some((e) => e.type === 'disconnect'));
        assert.ok(!client.events.some((e) => e.type === 'ldm'), `an ldm status without lame duck: ${JSON.stringify(client.events)}`);
        assert.equal(await version(c!, 'lhr-1'), '2.10.14+brownout');
      } finally {
        await client.nc.close();
      }
    });

    it('upgrade - a lame duck the servers were not started with is refused before anything happens', async () => {
      const s = c!.server('lhr-2');
      const id = await s.serverId();
      const steps: UpgradeStep[] = [];
      await assert.rejects(s.upgrade(built.patched, { lameDuck: { durationSeconds: 45, graceSeconds: 5 }, onStep: (x) => steps.push(x) }),
        (e: unknown) => e instanceof HarnessError && /lhr-2 runs with lame_duck_duration 30s, lame_duck_grace_period 5s/.test(e.message));
      assert.deepEqual(steps, []);
      assert.equal(await s.serverId(), id);
      assert.equal(s.variant, built.stock);
    });

    it('upgrade - a stopped server skips lame duck and just starts on the target', async () => {
      const s = c!.server('lhr-2');
      await s.stop();
      assert.equal(await s.isRunning(), false);
      const steps: UpgradeStep[] = [];
      const t = await s.upgrade(built.patched, { lameDuck: LAME_DUCK, onStep: (x) => steps.push(x) });
      assert.deepEqual(steps, ['starting']);
      assert.deepEqual([t.lameDuckMs, t.stopMs], [0, 0]);
      assert.equal(await s.isRunning(), true);
      assert.equal(await version(c!, 'lhr-2'), '2.10.14+brownout');
      await c!.waitForMesh(60_000);
    });
  });
}
