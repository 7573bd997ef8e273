import assert from 'node:assert/strict';
import type { StartedCluster } from '../../clusters/index.ts';
import type { FaultContext } from '../../chaos/fault.ts';
import { createRng } from '../../chaos/rng.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { FaultLedger } from './fault-ledger.ts';

/** Two servers that only know their variant: enough for the upgrade fault's selector. */
function fakeCluster(): { cluster: StartedCluster; variants: Map<string, string> } {
  const variants = new Map([['iad-1', 'stock'], ['iad-2', 'stock']]);
  const server = (name: string) => ({ name, region: 'iad', get variant() { return variants.get(name)!; }, replaceVariant: async (v: string) => void variants.set(name, v) });
  const cluster = { servers: () => [...variants.keys()].map(server), server } as unknown as StartedCluster;
  return { cluster, variants };
}

describe('fault ledger', () => {
  it('fault ledger - an upgrade recorded from its start: applied before the move, moved the caller\'s way, kept at revert', async () => {
    const { cluster, variants } = fakeCluster();
    const records: TimelineRecord[] = [];
    const order: string[] = [];
    const ctx: FaultContext = {
      cluster, rng: createRng(1), protectedServers: new Set(), log: () => {},
      mover: { move: async (targets, variant) => { order.push(`move ${targets.join(',')} → ${variant} after ${records.length} record(s)`); for (const t of targets) variants.set(t, variant); } },
    };
    const ledger = new FaultLedger(ctx, { append: (r) => { records.push(r); } }, { idPrefix: 'u3-' });
    const e = await ledger.apply({ type: 'upgrade', attributes: { servers: ['iad-1', 'iad-2'], variant: 'patched', keep: true } }, 3, { from: 'start', attributes: { baselinePeer: 'iad-2' } });
    await ledger.revert(e);
    assert.deepEqual(order, ['move iad-1,iad-2 → patched after 1 record(s)']);
    assert.deepEqual(records.map((r) => r.kind === 'fault' && [r.id, r.step, r.phase, r.targets.join(',')]), [['u3-f1', 3, 'applied', 'iad-1,iad-2'], ['u3-f1', 3, 'reverted', 'iad-1,iad-2']]);
    assert.deepEqual(records[0]!.kind === 'fault' && records[0]!.attributes, { servers: ['iad-1', 'iad-2'], variant: 'patched', keep: true, baselinePeer: 'iad-2' });
    assert.deepEqual([...variants.values()], ['patched', 'patched'], 'kept: the revert does not move them back');
  });

  it('fault ledger - an upgrade without keep puts the old variant back at revert', async () => {
    const { cluster, variants } = fakeCluster();
    const ledger = new FaultLedger({ cluster, rng: createRng(1), protectedServers: new Set(), log: () => {} }, { append: () => {} });
    const e = await ledger.apply({ type: 'upgrade', attributes: { servers: ['iad-1'], variant: 'patched' } }, 0);
    assert.equal(variants.get('iad-1'), 'patched');
    await ledger.revert(e);
    assert.equal(variants.get('iad-1'), 'stock');
  });
});
