import assert from 'node:assert/strict';
import { advanceLinks, type LinkObservation, type LinkTable } from './link-state.ts';
import type { LinkState } from '../timeline/records.ts';

const gw = (state: LinkState): LinkObservation => ({ server: 'iad-1', region: 'iad', linkType: 'gateway', peer: 'lhr', state });

function run(states: LinkState[]) {
  let table: LinkTable = new Map();
  const out = [];
  for (const [i, s] of states.entries()) {
    const r = advanceLinks(table, [gw(s)], 1000 + i * 500);
    table = r.table;
    out.push(...r.records.map((x) => ({ t: x.t, previous: x.previous, state: x.state, downSince: x.downSince, recoveryMs: x.recoveryMs })));
  }
  return out;
}

describe('link state', () => {
  const cases: { name: string; states: LinkState[]; want: unknown[] }[] = [
    { name: 'first sight up, then steady: one record', states: ['up', 'up', 'up'], want: [{ t: 1000, previous: null, state: 'up', downSince: undefined, recoveryMs: undefined }] },
    {
      name: 'down then up: recovery measured from the first down sample',
      states: ['up', 'down', 'down', 'up'],
      want: [
        { t: 1000, previous: null, state: 'up', downSince: undefined, recoveryMs: undefined },
        { t: 1500, previous: 'up', state: 'down', downSince: 1500, recoveryMs: undefined },
        { t: 2500, previous: 'down', state: 'up', downSince: 1500, recoveryMs: 1000 },
      ],
    },
    {
      name: 'down, stuck in handshake, up: the outage spans both states',
      states: ['up', 'down', 'handshake', 'handshake', 'up'],
      want: [
        { t: 1000, previous: null, state: 'up', downSince: undefined, recoveryMs: undefined },
        { t: 1500, previous: 'up', state: 'down', downSince: 1500, recoveryMs: undefined },
        { t: 2000, previous: 'down', state: 'handshake', downSince: 1500, recoveryMs: undefined },
        { t: 3000, previous: 'handshake', state: 'up', downSince: 1500, recoveryMs: 1500 },
      ],
    },
    {
      name: 'first seen down: outage counted from first sight',
      states: ['down', 'up'],
      want: [
        { t: 1000, previous: null, state: 'down', downSince: 1000, recoveryMs: undefined },
        { t: 1500, previous: 'down', state: 'up', downSince: 1000, recoveryMs: 500 },
      ],
    },
  ];
  for (const c of cases) it(`link state - ${c.name}`, () => assert.deepEqual(run(c.states), c.want));

  it('link state - links are tracked independently and missing ones keep their state', () => {
    const a = advanceLinks(new Map(), [gw('up'), { ...gw('up'), peer: 'syd' }], 0);
    const b = advanceLinks(a.table, [{ ...gw('down'), peer: 'syd' }], 500);
    assert.deepEqual(b.records.map((r) => `${r.peer}:${r.state}`), ['syd:down']);
    assert.equal(b.table.get('gateway:iad-1:lhr')?.state, 'up');
  });
});
