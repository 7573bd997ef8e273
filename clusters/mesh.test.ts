import assert from 'node:assert/strict';
import { evaluateMesh, gatewayBypasses, type ServerSnapshot } from './mesh.ts';
import type { ServerEndpoint } from './view.ts';

const ep = (name: string): ServerEndpoint => ({
  name, region: name.split('-')[0]!, variant: 'v', clientUrl: '', monitorUrl: '',
});
const endpoints = ['iad-1', 'iad-2', 'lhr-1'].map(ep);
const ids: Record<string, string> = { 'iad-1': 'A1', 'iad-2': 'A2', 'lhr-1': 'L1' };

const route = (remote_id: string) => ({ rid: 1, remote_id, ip: '', port: 0, out_msgs: 0, out_bytes: 0 });

function snap(name: string, routes: string[], gw: Record<string, { ip?: string; port?: number; name?: string }>): ServerSnapshot {
  return {
    varz: { server_id: ids[name]!, server_name: name, version: '2.10.14', mem: 1, cpu: 0, uptime: '1s', start: '', connections: 0, routes: 0, in_msgs: 0, out_msgs: 0, in_bytes: 0, out_bytes: 0, slow_consumers: 0 },
    routez: { server_id: ids[name]!, routes: routes.map((r) => route(r)) },
    gatewayz: {
      outbound_gateways: Object.fromEntries(Object.entries(gw).map(([r, c]) => [r, { configured: true, connection: { cid: 1, ip: c.ip ?? '127.0.0.1', port: c.port ?? 1, name: c.name, out_msgs: 0, out_bytes: 0 } }])),
      server_id: ids[name]!, inbound_gateways: {},
    },
  };
}

const healthy = () => new Map<string, ServerSnapshot | Error>([
  ['iad-1', snap('iad-1', ['A2', 'A2', 'A2'], { lhr: { name: 'L1', port: 17003 } })],
  ['iad-2', snap('iad-2', ['A1'], { lhr: { name: 'L1', port: 17003 } })],
  ['lhr-1', snap('lhr-1', [], { iad: { name: 'A2', port: 17002 } })],
]);

describe('clusters mesh', () => {
  const cases: { name: string; tweak: (m: Map<string, ServerSnapshot | Error>) => void; missing: string[] }[] = [
    { name: 'full mesh (pooled routes count once)', tweak: () => {}, missing: [] },
    { name: 'a route to a stale server ID is missing', tweak: (m) => { (m.get('iad-2') as ServerSnapshot).routez.routes = [route('OLD')]; }, missing: ['iad-2: route to iad-1'] },
    { name: 'an outbound gateway without the remote INFO is missing', tweak: (m) => { (m.get('lhr-1') as ServerSnapshot).gatewayz.outbound_gateways!.iad!.connection!.name = ''; }, missing: ['lhr-1: gateway to iad'] },
    { name: 'no outbound gateway at all', tweak: (m) => { (m.get('iad-1') as ServerSnapshot).gatewayz.outbound_gateways = {}; }, missing: ['iad-1: gateway to lhr'] },
    {
      name: 'an unreachable server is missing, and so is every link to it',
      tweak: (m) => { m.set('iad-2', new Error('timeout')); },
      missing: ['iad-1: route to iad-2', 'iad-2: monitor unreachable (timeout)', 'lhr-1: gateway to iad'],
    },
  ];
  for (const c of cases) {
    it(`mesh - ${c.name}`, () => {
      const m = healthy();
      c.tweak(m);
      const r = evaluateMesh(endpoints, m);
      assert.deepEqual(r.missing, c.missing);
      assert.equal(r.complete, c.missing.length === 0);
    });
  }

  it('mesh - a gateway that dials anything but a proxy is a bypass', () => {
    const m = healthy();
    (m.get('iad-2') as ServerSnapshot).gatewayz.outbound_gateways!.lhr!.connection!.port = 7222;
    const r = evaluateMesh(endpoints, m);
    assert.deepEqual(gatewayBypasses(r, new Set(['127.0.0.1:17002', '127.0.0.1:17003'])), ['iad-2 → lhr via 127.0.0.1:7222']);
  });
});
