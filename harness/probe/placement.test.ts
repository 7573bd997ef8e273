import assert from 'node:assert/strict';
import { placementOrder } from './placement.ts';

const servers = ['iad-3', 'iad-1', 'iad-2'].map((name, i) => ({ name, url: `nats://127.0.0.1:${4000 + i}` }));
const names = (xs: { name: string }[]): string => xs.map((x) => x.name).join(',');

describe('probe placement', () => {
  it('probe placement - the same seed and key give the same order, whatever the input order or ports', () => {
    const a = placementOrder(13, 'sub:iad:0', servers);
    const b = placementOrder(13, 'sub:iad:0', [...servers].reverse().map((s, i) => ({ ...s, url: `nats://127.0.0.1:${5000 + i}` })));
    assert.equal(names(a), names(b));
    assert.equal(a.length, 3);
    assert.deepEqual([...a.map((x) => x.name)].sort(), ['iad-1', 'iad-2', 'iad-3']);
  });

  it('probe placement - different seeds place clients differently (first choice over 20 seeds)', () => {
    const first = new Set(Array.from({ length: 20 }, (_, seed) => placementOrder(seed, 'sub:iad:0', servers)[0]!.name));
    assert.equal(first.size, 3, `first choices: ${[...first].join(',')}`);
  });

  it('probe placement - each role, region and attempt draws on its own', () => {
    const orders = new Set(['pub:iad:0', 'sub:iad:0', 'sub:iad:1', 'sub:iad:2', 'sub:iad:3'].map((k) => names(placementOrder(7, k, servers))));
    assert.ok(orders.size > 1, 'every key gave the same order');
  });
});
