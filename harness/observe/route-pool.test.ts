import assert from 'node:assert/strict';
import type { MonitorSnapshot, RouteInfo } from '../../core/nats-monitoring.ts';
import { LogConnects, connectsFromLog, expectedPool, samplePool } from './route-pool.ts';

const route = (rid: number, peer: string, account?: string): RouteInfo => ({
  rid, remote_id: `ID-${peer}`, remote_name: peer, ip: '127.0.0.1', port: 1, out_msgs: 0, out_bytes: 0, ...(account ? { account } : {}),
});
const snap = (id: string, routes: RouteInfo[], poolSize?: number): MonitorSnapshot => ({
  varz: {
    server_id: id, server_name: 'iad-1', version: '2.10.14', mem: 0, cpu: 0, uptime: '', start: '', connections: 0, routes: routes.length,
    in_msgs: 0, out_msgs: 0, in_bytes: 0, out_bytes: 0, slow_consumers: 0, system_account: 'SYS', ...(poolSize !== undefined ? { cluster: { pool_size: poolSize } } : {}),
  },
  routez: { server_id: id, routes }, gatewayz: { server_id: id, outbound_gateways: null, inbound_gateways: null }, healthy: true,
});
const me = { name: 'iad-1', region: 'iad' };

describe('route-pool', () => {
  it('route-pool - counts unpinned routes and pinned accounts per peer; the system account is pinned when pooling is on', () => {
    const r = samplePool(undefined, me, snap('A', [route(5, 'iad-2'), route(6, 'iad-2'), route(7, 'iad-2', 'SYS'), route(8, 'iad-3')], 3), 1000);
    assert.deepEqual(r.record?.peers, [
      { peerId: 'ID-iad-2', peer: 'iad-2', pooled: 2, accounts: ['SYS'] },
      { peerId: 'ID-iad-3', peer: 'iad-3', pooled: 1, accounts: [] },
    ]);
    assert.equal(r.record?.poolSize, 3);
    assert.deepEqual(r.record?.pinned, ['SYS']);
    assert.deepEqual(expectedPool(snap('A', [], -1)), { poolSize: 1, pinned: [] });
    assert.equal(expectedPool(snap('A', [])).poolSize, 3, 'no pool_size in /varz: the default of 3');
  });

  it('route-pool - a record only when the pool changes or a new route id appears, none for the same pool again', () => {
    const first = samplePool(undefined, me, snap('A', [route(5, 'iad-2')], 3), 1000);
    const same = samplePool(first.track, me, snap('A', [route(5, 'iad-2')], 3), 2000);
    assert.equal(same.record, undefined);
    const replaced = samplePool(same.track, me, snap('A', [route(9, 'iad-2')], 3), 3000);
    assert.equal(replaced.record?.newRoutes, 1, 'same pool, a new connection in it');
    const restarted = samplePool(replaced.track, me, snap('B', [route(1, 'iad-2')], 3), 4000);
    assert.equal(restarted.record?.newRoutes, 0, 'a new process counts from its first sample');
  });

  it('route-pool - route and gateway connections per second from a real nats-server log', () => {
    const log = [
      '[13323] 2026/12/05 01:09:24.937534 [INF] 127.0.0.1:38568 - rid:6 - Route connection created',
      '[13323] 2026/12/05 01:09:24.937859 [INF] 127.0.0.1:38572 - rid:7 - Route connection created',
      '[13323] 2026/12/05 01:09:25.926015 [INF] 127.0.0.1:39113 - gid:10 - Creating outbound gateway connection to "lhr"',
      '[13323] 2026/12/05 01:09:25.927054 [INF] 127.0.0.1:39113 - gid:10 - Outbound gateway connection to "lhr" (NBC) registered',
      '[13323] 2026/12/05 01:09:25.931456 [INF] 127.0.0.1:41262 - gid:13 - Processing inbound gateway connection',
      '[13323] 2026/12/05 01:09:25.931456 [INF] 127.0.0.1:41262 - rid:14 - Route connection created (127.0.0.1:6222)',
      '[13323] 2026/12/05 01:09:25.931456 [ERR] 127.0.0.1:41262 - rid:14 - Route Error \'Authorization Violation\'',
      'garbage',
    ].join('\n');
    const rs = connectsFromLog(log, me);
    assert.deepEqual(rs.map((r) => [new Date(r.second).getSeconds(), r.routes, r.gateways]), [[24, 2, 0], [25, 1, 2]]);
  });
});

describe('route-pool log reader', () => {
  const line = (hms: string, rid: number) => `[1] 2026/12/05 ${hms}.000001 [INF] 127.0.0.1:1 - rid:${rid} - Route connection created\n`;
  const at = (hms: string) => new Date(`2026-12-05T${hms}`).getTime();
  it('route-pool - a log read again and again counts each line once, hands out only seconds that are over, and everything at the end', () => {
    const r = new LogConnects({ name: 'iad-1', region: 'iad' });
    let log = line('10:00:01', 1) + line('10:00:01', 2) + line('10:00:02', 3);
    assert.deepEqual(r.read(log, at('10:00:02.500')).map((x) => x.routes), [], 'second 1 may still be written until second 3 begins');
    log += line('10:00:02', 4) + '[1] 2026/12/05 10:00:03.0 [INF] 127.0.0.1:1 - rid:5 - Route conn';
    assert.deepEqual(r.read(log, at('10:00:03.100')).map((x) => [new Date(x.second).getSeconds(), x.routes]), [[1, 2]]);
    log += 'ection created\n';
    assert.deepEqual(r.read(log, at('10:00:03.900'), true).map((x) => [new Date(x.second).getSeconds(), x.routes]), [[2, 2], [3, 1]]);
    assert.deepEqual(r.read(log, at('10:00:09'), true), [], 'nothing twice');
  });
});
