import assert from 'node:assert/strict';
import { BadInputError } from '../core/errors.ts';
import { Links, type ProxyRef } from './links.ts';
import { ToxiproxyClient, type ToxicConfig } from './toxiproxy-client.ts';

/** Records calls instead of talking HTTP. */
class FakeClient extends ToxiproxyClient {
  calls: string[] = [];
  constructor() { super('http://fake'); }
  override async setEnabled(p: string, e: boolean) { this.calls.push(`${e ? 'enable' : 'disable'} ${p}`); }
  override async addToxic(p: string, t: ToxicConfig) { this.calls.push(`add ${p} ${t.type} ${t.stream} ${t.toxicity} ${JSON.stringify(t.attributes)}`); }
  override async updateToxic(p: string, t: string, patch: object) { this.calls.push(`update ${p} ${t} ${JSON.stringify(patch)}`); }
  override async removeToxic(p: string, t: string) { this.calls.push(`remove ${p} ${t}`); }
}

const servers = ['iad-1', 'lhr-1', 'lhr-2'];
const regionOf = (s: string) => (servers.includes(s) ? s.split('-')[0] : undefined);
const localRefs = (c: ToxiproxyClient): ProxyRef[] => servers.map((s) => ({ name: `gw-${s}`, from: null, to: s, toRegion: s.split('-')[0]!, listen: `127.0.0.1:${s}`, client: c }));
const dockerRefs = (c: ToxiproxyClient): ProxyRef[] => servers.flatMap((s) => ['iad', 'lhr'].filter((r) => r !== s.split('-')[0]).map((from) => ({
  name: `${from}-to-${s}`, from, to: s, toRegion: s.split('-')[0]!, listen: `${from}:${s}`, client: c,
})));

describe('clusters links', () => {
  it('links - select by destination server or region', () => {
    const l = new Links(localRefs(new FakeClient()), regionOf);
    assert.deepEqual(l.list({ to: 'lhr' }).map((x) => x.name), ['gw-lhr-1', 'gw-lhr-2']);
    assert.deepEqual(l.list({ to: 'iad-1' }).map((x) => x.name), ['gw-iad-1']);
    assert.equal(l.list().length, 3);
  });

  it('links - a source region needs per-region proxies (docker)', () => {
    assert.throws(() => new Links(localRefs(new FakeClient()), regionOf).list({ from: 'iad', to: 'lhr' }),
      (e: unknown) => e instanceof BadInputError && /docker backend/.test(e.problems.join()));
    assert.deepEqual(new Links(dockerRefs(new FakeClient()), regionOf).list({ from: 'iad', to: 'lhr' }).map((x) => x.name), ['iad-to-lhr-1', 'iad-to-lhr-2']);
  });

  it('links - unknown names list what exists', () => {
    assert.throws(() => new Links(localRefs(new FakeClient()), regionOf).list({ to: 'fra' }),
      (e: unknown) => e instanceof BadInputError && /neither a region \(iad, lhr\)/.test(e.problems.join()));
  });

  it('links - a blackhole is timeout 0 per direction, updated and removed in place', async () => {
    const c = new FakeClient();
    const l = new Links(localRefs(c), regionOf);
    const h = await l.addToxic({ to: 'iad-1' }, { type: 'blackhole', toxicity: 1 });
    await h.update({ toxicity: 0 });
    await h.remove();
    assert.deepEqual(c.calls.map((x) => x.replace(/blackhole_\d+/, 'T')), [
      'add gw-iad-1 timeout upstream 1 {"timeout":0}',
      'add gw-iad-1 timeout downstream 1 {"timeout":0}',
      'update gw-iad-1 T_upstream {"toxicity":0}',
      'update gw-iad-1 T_downstream {"toxicity":0}',
      'remove gw-iad-1 T_upstream',
      'remove gw-iad-1 T_downstream',
    ]);
  });

  it('links - forward latency goes on the dialer stream only; bad toxicity is refused', async () => {
    const c = new FakeClient();
    const l = new Links(localRefs(c), regionOf);
    await l.addToxic({ to: 'lhr-2' }, { type: 'latency', latencyMs: 50, jitterMs: 5, direction: 'forward' });
    assert.deepEqual(c.calls, ['add gw-lhr-2 latency upstream 1 {"latency":50,"jitter":5}']);
    await assert.rejects(l.addToxic({ to: 'lhr-2' }, { type: 'bandwidth', rateKBps: 1, toxicity: 2 }), BadInputError);
    await assert.rejects(l.packetLoss({ to: 'lhr-2' }, 0.1), /docker backend/);
  });

  it('links - partition on docker cuts both ways, locally only inbound', async () => {
    const d = new FakeClient();
    await (await new Links(dockerRefs(d), regionOf).partition('iad')).revert();
    assert.deepEqual(d.calls.filter((x) => x.startsWith('disable')).sort(), ['disable iad-to-lhr-1', 'disable iad-to-lhr-2', 'disable lhr-to-iad-1']);
    const lc = new FakeClient();
    await new Links(localRefs(lc), regionOf).partition('iad');
    assert.deepEqual(lc.calls, ['disable gw-iad-1']);
  });
});
