import assert from 'node:assert/strict';
import { restartsOf, summarizeCascade, wavesOf, type ContainerEvent, type ServerTick, type Tick } from './cascade-summary.ts';

const srv = (name: string, o: Partial<ServerTick> = {}): ServerTick => ({
  name, running: true, restartCount: 0, answered: true, serverId: `${name}-a`, rssBytes: 10, cgroupBytes: 20, routePending: 0, gatewayPending: 0, ...o,
});
const tick = (t: number, servers: ServerTick[], meshComplete = true): Tick => ({ t, servers, meshComplete, missingLinks: meshComplete ? 0 : 3 });

describe('bench cascade summary', () => {
  it('cascade summary - a quiet restart: peaks, first full mesh, no restarts, no loop', () => {
    const ticks = [
      tick(-1000, [srv('a', { routePending: 999 }), srv('b')]),
      tick(0, [srv('a', { serverId: 'a-b', answered: false }), srv('b', { serverId: 'b-b', gatewayPending: 40 })], false),
      { ...tick(1000, [srv('a', { serverId: 'a-b', routePending: 30, gatewayPending: 5, rssBytes: 70, kernelQueued: 4000 }), srv('b', { serverId: 'b-b', gatewayPending: 50 })], false), proxyQueued: 9000 },
      tick(2000, [srv('a', { serverId: 'a-b' }), srv('b', { serverId: 'b-b' })]),
    ];
    const s = summarizeCascade(ticks, []);
    assert.equal(s.samples, 3);
    // The baseline's 999 is before the restart and does not count.
    assert.deepEqual(s.totalPending, { value: 85, t: 1000 });
    assert.deepEqual(s.serverPending, { value: 50, t: 1000, server: 'b' });
    assert.deepEqual(s.rss, { value: 70, t: 1000, server: 'a' });
    assert.deepEqual(s.kernelQueued, { value: 4000, t: 1000, server: 'a' });
    assert.deepEqual(s.proxyQueued, { value: 9000, t: 1000 });
    assert.equal(s.fullMeshAtMs, 2000);
    assert.equal(s.meshFullAtEnd, true);
    assert.equal(s.extraIdChanges, 0);
    assert.equal(s.oomKills, 0);
    assert.equal(s.loop, false);
    assert.equal(s.buckets.length, 1);
    assert.equal(s.buckets[0]!.answeringMin, 1);
    assert.equal(s.buckets[0]!.missingLinksMin, 0);
  });

  it('cascade summary - a full mesh sampled before the restart took effect is not the mesh coming back', () => {
    const ticks = [tick(0, [srv('a')]), tick(1000, [srv('a')], false), tick(2000, [srv('a')], false), tick(3000, [srv('a')])];
    assert.equal(summarizeCascade(ticks, []).fullMeshAtMs, 3000);
    assert.equal(summarizeCascade([tick(0, [srv('a')]), tick(1000, [srv('a')])], []).fullMeshAtMs, 0);
  });

  it('cascade summary - policy restarts come from RestartCount deltas, one event per restart', () => {
    const ticks = [tick(0, [srv('a', { restartCount: 1 })]), tick(1000, [srv('a', { restartCount: 3 })]), tick(2000, [srv('a', { restartCount: 3 })])];
    assert.deepEqual(restartsOf(ticks), [{ t: 1000, server: 'a' }, { t: 1000, server: 'a' }]);
  });

  it('cascade summary - waves split on gaps longer than 5 s', () => {
    const w = wavesOf([{ t: 9000, server: 'c' }, { t: 1000, server: 'a' }, { t: 3000, server: 'b' }, { t: 3500, server: 'a' }]);
    assert.deepEqual(w, [{ from: 1000, to: 3500, servers: ['a', 'b'] }, { from: 9000, to: 9000, servers: ['c'] }]);
  });

  it('cascade summary - OOM kills, their restarts and a second wave make a loop; extra IDs counted', () => {
    const ticks = [
      tick(0, [srv('a'), srv('b')], false),
      tick(1000, [srv('a', { serverId: 'a-2', restartCount: 1 }), srv('b')], false),
      tick(12_000, [srv('a', { serverId: 'a-3', restartCount: 1 }), srv('b', { serverId: 'b-2', restartCount: 1 })], false),
      tick(13_000, [srv('a', { serverId: 'a-3', restartCount: 1 }), srv('b', { serverId: 'b-2', restartCount: 1 })], false),
    ];
    const events: ContainerEvent[] = [
      { t: 800, server: 'a', event: 'oom' }, { t: 800, server: 'a', event: 'die', exitCode: 137 },
      { t: 11_500, server: 'b', event: 'oom' }, { t: 11_500, server: 'b', event: 'die', exitCode: 137 },
      { t: 11_000, server: 'a', event: 'die', exitCode: 2 },
      { t: 100, server: 'b', event: 'die', exitCode: 1 }, // our SIGTERM: nats-server exits 1
    ];
    const s = summarizeCascade(ticks, events, { a: 500, b: 600 });
    assert.equal(s.oomKills, 2);
    assert.deepEqual(s.oomKilled, ['a', 'b']);
    assert.equal(s.crashes, 1); // a's exit 2 is no OOM kill
    assert.equal(s.autoRestarts.length, 2);
    assert.equal(s.waves.length, 2);
    assert.equal(s.loop, true);
    assert.equal(s.fullMeshAtMs, null);
    assert.equal(s.meshFullAtEnd, false);
    assert.equal(s.extraIdChanges, 1); // a had a, a-2, a-3
    assert.deepEqual(s.buckets.map((b) => [b.from, b.ooms, b.autoRestarts]), [[0, 1, 1], [10_000, 1, 1]]);
  });
});
