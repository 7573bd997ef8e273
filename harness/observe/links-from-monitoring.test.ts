import assert from 'node:assert/strict';
import { gatewayAddresses, handshakeRegions, observeLinks, regionsWithoutOutbound } from './links-from-monitoring.ts';
import type { MonitorSnapshot } from '../../core/nats-monitoring.ts';

const snap = (over: Partial<MonitorSnapshot> = {}): MonitorSnapshot => ({
  healthy: true,
  varz: {
    server_id: 'A', server_name: 'iad-1', version: '2.10.14', uptime: '1s', start: '', slow_consumers: 0, mem: 1, cpu: 0, connections: 0, routes: 3, in_msgs: 0, out_msgs: 0, in_bytes: 0, out_bytes: 0,
    gateway: { name: 'iad', gateways: [{ name: 'lhr', urls: ['127.0.0.1:17231', 'nats://localhost:17232'] }] },
  },
  routez: { server_id: 'A', routes: [1, 2, 3].map((rid) => ({ rid, remote_id: 'B', remote_name: 'iad-2', ip: '', port: 0, out_msgs: 0, out_bytes: 0 })) },
  gatewayz: { server_id: 'A', outbound_gateways: { lhr: { configured: true, connection: { cid: 1, ip: '', port: 0, name: 'L1', out_msgs: 0, out_bytes: 0 } } }, inbound_gateways: { lhr: [{ configured: false }] } },
  ...over,
});
const expected = { server: 'iad-1', region: 'iad', routePeers: ['iad-2', 'iad-3'], gatewayPeers: ['lhr', 'syd'] };
const states = (xs: { linkType: string; peer: string; state: string }[]) => xs.map((x) => `${x.linkType}:${x.peer}:${x.state}`);

describe('links from monitoring', () => {
  it('links from monitoring - pooled routes count once, a missing peer is down, a registered outbound is up', () => {
    assert.deepEqual(states(observeLinks(expected, snap())), ['route:iad-2:up', 'route:iad-3:down', 'gateway:lhr:up', 'gateway:syd:down']);
  });
  it('links from monitoring - an unregistered outbound with an open connection is handshake, not up', () => {
    assert.deepEqual(states(observeLinks(expected, snap(), new Set(['syd']))), ['route:iad-2:up', 'route:iad-3:down', 'gateway:lhr:up', 'gateway:syd:handshake']);
  });
  it('links from monitoring - an unreachable server has every link unknown, not down', () => {
    assert.deepEqual(states(observeLinks(expected, undefined)), ['route:iad-2:unknown', 'route:iad-3:unknown', 'gateway:lhr:unknown', 'gateway:syd:unknown']);
  });
  it('links from monitoring - with known IDs, a route or gateway to a stale server ID is down', () => {
    const ids = { servers: new Map([['iad-2', 'NEW2'], ['iad-3', 'B']]), regions: new Map([['lhr', new Set(['L2'])]]) };
    assert.deepEqual(states(observeLinks(expected, snap(), new Set(), ids)), ['route:iad-2:down', 'route:iad-3:up', 'gateway:lhr:down', 'gateway:syd:down']);
  });
  it('links from monitoring - sockets to a region without a registered outbound are a handshake', () => {
    const missing = regionsWithoutOutbound(snap(), ['lhr', 'syd']);
    assert.deepEqual(missing, ['syd']);
    const s = snap();
    s.varz.gateway!.gateways!.push({ name: 'syd', urls: ['nats://localhost:17240'] });
    assert.deepEqual([...handshakeRegions(s, missing, new Set(['127.0.0.1:17240']))], ['syd']);
    assert.deepEqual([...handshakeRegions(s, missing, new Set(['127.0.0.1:9999']))], []);
  });
  it('links from monitoring - gateway addresses are normalized host:port', () => {
    assert.deepEqual([...gatewayAddresses(snap()).get('lhr')!], ['127.0.0.1:17231', '127.0.0.1:17232']);
  });
});
