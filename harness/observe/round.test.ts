import assert from 'node:assert/strict';
import type { MonitorSnapshot } from '../../core/nats-monitoring.ts';
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import { initialState, observeRound, type ObserverState } from './round.ts';
import type { ServerRound } from './server-sample.ts';

// iad-1, iad-2 in iad; lhr-1 in lhr. A world is each server's ID (or `x` when it does not answer)
// and, optionally, links it has lost: `iad-1:-iad-2` (route gone), `iad-1:-lhr` (gateway gone),
// `iad-1:~iad-2=OLD` (its route to iad-2 goes to the stale ID OLD).
const REGION: Record<string, string> = { 'iad-1': 'iad', 'iad-2': 'iad', 'lhr-1': 'lhr' };
const NAMES = Object.keys(REGION);

function snapshot(name: string, ids: Record<string, string>, broken: string[], counter: number): MonitorSnapshot {
  const id = ids[name]!;
  const lost = (what: string) => broken.includes(`${name}:-${what}`);
  const stale = broken.find((b) => b.startsWith(`${name}:~`))?.split('=')[1];
  const peers = NAMES.filter((p) => p !== name && REGION[p] === REGION[name] && !lost(p));
  const remotes = [...new Set(Object.values(REGION))].filter((r) => r !== REGION[name] && !lost(r));
  const remoteId = (r: string) => ids[NAMES.find((n) => REGION[n] === r)!]!;
  return {
    healthy: true,
    varz: { server_id: id, server_name: name, version: '2.10.14', uptime: '1s', start: '', slow_consumers: 0, mem: 1000, cpu: 1, connections: 0, routes: peers.length, in_msgs: counter, out_msgs: counter * 2, in_bytes: counter * 10, out_bytes: counter * 20 },
    routez: { server_id: id, routes: peers.map((p, i) => ({ rid: i + 1, remote_id: stale ?? ids[p]!, remote_name: p, ip: '', port: 0, out_msgs: counter, out_bytes: counter * 5 })) },
    gatewayz: {
      server_id: id, inbound_gateways: {},
      outbound_gateways: Object.fromEntries(remotes.map((r) => [r, { configured: true, connection: { cid: 9, ip: '127.0.0.1', port: 1, name: remoteId(r), out_msgs: counter, out_bytes: counter * 3 } }])),
    },
  };
}

function round(ids: Record<string, string>, broken: string[] = [], counter = 0): ServerRound[] {
  return NAMES.map((name) => (ids[name] === 'x'
    ? { name, region: REGION[name]!, error: 'timeout' }
    : { name, region: REGION[name]!, snap: snapshot(name, ids, broken, counter) }));
}

const HEALTHY = { 'iad-1': 'A1', 'iad-2': 'A2', 'lhr-1': 'L1' };

/** Rounds every 500 ms from t=1000; returns every record. */
function play(rounds: ServerRound[][], confirmSamples?: number): TimelineRecord[] {
  let state: ObserverState = initialState(500, { msgs: 0, bytes: 0 });
  const out: TimelineRecord[] = [];
  for (const [i, servers] of rounds.entries()) {
    const r = observeRound(state, { t: 1000 + i * 500, regions: ['iad', 'lhr'], servers, statsz: { msgs: i * 3, bytes: i * 300 } }, confirmSamples ? { confirmSamples } : {});
    state = r.state;
    out.push(...r.records);
  }
  return out;
}

const links = (rs: TimelineRecord[]): string[] => recordsOf(rs, 'link').filter((l) => l.previous !== null).map((l) => `${l.t} ${l.server}>${l.peer} ${l.state}@${l.since}`);
const servers = (rs: TimelineRecord[]): string[] => recordsOf(rs, 'server').map((s) => `${s.t} ${s.server} ${s.state}`);

describe('observer round', () => {
  it('observer round - first round: every server up, every link seen up, no deltas yet', () => {
    const rs = play([round(HEALTHY)]);
    assert.deepEqual(servers(rs), ['1000 iad-1 up', '1000 iad-2 up', '1000 lhr-1 up']);
    assert.deepEqual(recordsOf(rs, 'link').map((l) => `${l.server}>${l.peer} ${l.state} ${l.previous}`), [
      'iad-1>iad-2 up null', 'iad-1>lhr up null', 'iad-2>iad-1 up null', 'iad-2>lhr up null', 'lhr-1>iad up null',
    ]);
    assert.deepEqual(recordsOf(rs, 'varz').map((v) => v.intervalMs), [0, 0, 0]);
    assert.deepEqual(recordsOf(rs, 'statsz-check').map((c) => [c.from, c.to, c.servers, c.varzOutMsgs]), [[500, 1000, 0, 0]]);
  });

  it('observer round - second round: /varz and per-connection deltas, and the cross-check beside the subscription', () => {
    const rs = play([round(HEALTHY, [], 10), round(HEALTHY, [], 15)]);
    const v = recordsOf(rs, 'varz').filter((x) => x.t === 1500);
    assert.deepEqual(v.map((x) => [x.server, x.intervalMs, x.outMsgs, x.inBytes]), [['iad-1', 500, 10, 50], ['iad-2', 500, 10, 50], ['lhr-1', 500, 10, 50]]);
    const c = recordsOf(rs, 'statsz-check')[1]!;
    assert.deepEqual([c.statszMsgs, c.statszBytes, c.servers, c.varzOutMsgs, c.routeOutMsgs, c.gatewayOutMsgs, c.gatewayOutBytes], [3, 300, 3, 30, 10, 15, 45]);
  });

  it('observer round - one slow answer in a healthy run: the server is unreachable once, no link moves', () => {
    const rs = play([round(HEALTHY), round(HEALTHY), round({ ...HEALTHY, 'iad-1': 'x' }), round(HEALTHY), round(HEALTHY)]);
    assert.deepEqual(servers(rs).slice(3), ['2000 iad-1 unreachable', '2500 iad-1 up']);
    assert.deepEqual(links(rs), []);
  });

  it('observer round - a killed server: its links go down after two rounds, back-dated to the first; its peers\' after two samples', () => {
    const dead = { ...HEALTHY, 'iad-2': 'x' };
    const gone = ['iad-1:-iad-2'];
    const rs = play([round(HEALTHY), round(dead, gone), round(dead, gone), round(dead, gone)]);
    assert.deepEqual(links(rs), ['2000 iad-1>iad-2 down@1500', '2000 iad-2>iad-1 down@1500', '2000 iad-2>lhr down@1500']);
  });

  it('observer round - a restart: a new ID is a restart, its deltas restart from zero, a route to the stale ID is down', () => {
    const next = { ...HEALTHY, 'iad-2': 'B2' };
    const rs = play([round(HEALTHY, [], 10), round(next, ['iad-1:~iad-2=A2'], 20), round(next, ['iad-1:~iad-2=A2'], 30), round(next, [], 40)]);
    assert.deepEqual(servers(rs).slice(3), ['1500 iad-2 restarted']);
    const v = recordsOf(rs, 'varz').filter((x) => x.server === 'iad-2').map((x) => x.intervalMs);
    assert.deepEqual(v, [0, 0, 500, 500]);
    assert.equal(recordsOf(rs, 'statsz-check')[1]!.servers, 2, 'the restarted server is left out of the cross-check');
    assert.deepEqual(links(rs), ['2000 iad-1>iad-2 down@1500', '2500 iad-1>iad-2 up@2500']);
  });

  it('observer round - a lost gateway flips after the configured number of samples', () => {
    const cut = ['iad-1:-lhr'];
    assert.deepEqual(links(play([round(HEALTHY), round(HEALTHY, cut), round(HEALTHY, cut), round(HEALTHY)], 3)), []);
    assert.deepEqual(links(play([round(HEALTHY), round(HEALTHY, cut), round(HEALTHY, cut), round(HEALTHY, cut), round(HEALTHY)], 3)), [
      '2500 iad-1>lhr down@1500', '3000 iad-1>lhr up@3000',
    ]);
  });
});
