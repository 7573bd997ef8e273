import assert from 'node:assert/strict';
import { gatewayState, routeState } from './link-rule.ts';
import type { Gatewayz, RouteInfo } from '../core/nats-monitoring.ts';

const route = (remote_id: string, remote_name?: string): RouteInfo => ({ rid: 1, remote_id, ...(remote_name ? { remote_name } : {}), ip: '', port: 0, out_msgs: 0, out_bytes: 0 });
const gwz = (lhr?: { name?: string }): Gatewayz => ({
  server_id: 'A1', inbound_gateways: {},
  outbound_gateways: lhr ? { lhr: { configured: true, connection: { cid: 1, ip: '127.0.0.1', port: 17003, out_msgs: 0, out_bytes: 0, ...(lhr.name !== undefined ? { name: lhr.name } : {}) } } } : {},
});

describe('clusters link rule', () => {
  const routes: { name: string; routes: RouteInfo[] | null; peer: { name: string; id?: string }; want: string }[] = [
    { name: 'a route to the peer\'s current ID is up (pooled routes count once)', routes: [route('A2', 'iad-2'), route('A2', 'iad-2')], peer: { name: 'iad-2', id: 'A2' }, want: 'up' },
    { name: 'a route to a stale ID is down, whatever its name', routes: [route('OLD', 'iad-2')], peer: { name: 'iad-2', id: 'A2' }, want: 'down' },
    { name: 'ID unknown: a route named after the peer is up', routes: [route('A2', 'iad-2')], peer: { name: 'iad-2' }, want: 'up' },
    { name: 'ID unknown: no route named after the peer is down', routes: [route('A3', 'iad-3')], peer: { name: 'iad-2' }, want: 'down' },
    { name: 'no routes at all is down', routes: null, peer: { name: 'iad-2', id: 'A2' }, want: 'down' },
  ];
  for (const c of routes) it(`link rule - route: ${c.name}`, () => assert.equal(routeState(c.routes, c.peer), c.want));

  const gateways: { name: string; gatewayz: Gatewayz; ids?: Set<string>; open?: boolean; want: string }[] = [
    { name: 'a registered outbound to a current server of the region is up', gatewayz: gwz({ name: 'L1' }), ids: new Set(['L1', 'L2']), want: 'up' },
    { name: 'an outbound to a stale remote ID is down', gatewayz: gwz({ name: 'OLD' }), ids: new Set(['L1']), want: 'down' },
    { name: 'an outbound without the remote INFO (no remote ID) is not up', gatewayz: gwz({ name: '' }), ids: new Set(['L1']), want: 'down' },
    { name: 'region IDs unknown: a registered outbound is up', gatewayz: gwz({ name: 'L9' }), want: 'up' },
    { name: 'no outbound is down', gatewayz: gwz(), ids: new Set(['L1']), want: 'down' },
    { name: 'no outbound but an open socket to the region is handshake', gatewayz: gwz(), ids: new Set(['L1']), open: true, want: 'handshake' },
    { name: 'an up outbound stays up with an open socket', gatewayz: gwz({ name: 'L1' }), ids: new Set(['L1']), open: true, want: 'up' },
  ];
  for (const c of gateways) it(`link rule - gateway: ${c.name}`, () => assert.equal(gatewayState(c.gatewayz, 'lhr', c.ids, c.open).state, c.want));
});
