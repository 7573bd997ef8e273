import assert from 'node:assert/strict';
import { advanceLinks, type LinkObservation, type LinkTable, type ObservedLinkState } from './link-state.ts';

const gw = (state: ObservedLinkState): LinkObservation => ({ server: 'iad-1', region: 'iad', linkType: 'gateway', peer: 'lhr', state });
/** `?` is a round in which the server did not answer. */
const parse = (s: string): ObservedLinkState[] => s.split(' ').map((x) => (x === '?' ? 'unknown' : x as ObservedLinkState));

/** Rounds every 500 ms from t=1000; each record as `t:previous→state@since (down d, rec r)`. */
function run(states: ObservedLinkState[], confirmSamples?: number): string[] {
  let table: LinkTable = new Map();
  const out: string[] = [];
  for (const [i, s] of states.entries()) {
    const r = advanceLinks(table, [gw(s)], 1000 + i * 500, confirmSamples === undefined ? {} : { confirmSamples });
    table = r.table;
    for (const x of r.records) {
      out.push(`${x.t}:${x.previous}→${x.state}@${x.since}${x.downSince !== undefined ? ` down ${x.downSince}` : ''}${x.recoveryMs !== undefined ? ` rec ${x.recoveryMs}` : ''}`);
    }
  }
  return out;
}

describe('link state', () => {
  const cases: { name: string; states: string; n?: number; want: string[] }[] = [
    { name: 'first sight up, then steady: one record', states: 'up up up', want: ['1000:null→up@1000'] },
    { name: 'one slow answer in a healthy run changes nothing', states: 'up up ? up up', want: ['1000:null→up@1000'] },
    { name: 'slow answers that never repeat change nothing', states: 'up ? up ? up ? up', want: ['1000:null→up@1000'] },
    { name: 'one down sample between ups changes nothing', states: 'up down up up', want: ['1000:null→up@1000'] },
    {
      name: 'two agreeing samples flip it, back-dated to the first; up again at once',
      states: 'up down down up',
      want: ['1000:null→up@1000', '2000:up→down@1500 down 1500', '2500:down→up@2500 down 1500 rec 1000'],
    },
    {
      name: 'a slow answer neither breaks nor counts toward a streak',
      states: 'up down ? down up',
      want: ['1000:null→up@1000', '2500:up→down@1500 down 1500', '3000:down→up@3000 down 1500 rec 1500'],
    },
    {
      name: 'a server unreachable for two rounds (killed) has its links down from the first',
      states: 'up ? ? ? up',
      want: ['1000:null→up@1000', '2000:up→down@1500 down 1500', '3000:down→up@3000 down 1500 rec 1500'],
    },
    {
      name: 'unreachable after a down vote: down from the vote',
      states: 'up down ? ?',
      want: ['1000:null→up@1000', '2500:up→down@1500 down 1500'],
    },
    {
      name: 'down, stuck in handshake, up: the outage spans both states',
      states: 'up down down handshake handshake handshake up',
      want: ['1000:null→up@1000', '2000:up→down@1500 down 1500', '3000:down→handshake@2500 down 1500', '4000:handshake→up@4000 down 1500 rec 2500'],
    },
    {
      name: 'disagreeing non-up samples restart the streak',
      states: 'up down handshake down down',
      want: ['1000:null→up@1000', '3000:up→down@2500 down 2500'],
    },
    {
      name: 'first seen down: recorded at once, outage counted from first sight',
      states: 'down up',
      want: ['1000:null→down@1000 down 1000', '1500:down→up@1500 down 1000 rec 500'],
    },
    { name: 'never answered: down after two rounds, from the first', states: '? ? ?', want: ['1500:null→down@1000 down 1000'] },
    { name: 'three samples to agree when configured so', states: 'up down down up', n: 3, want: ['1000:null→up@1000'] },
    { name: 'one sample flips it when configured so', states: 'up down up', n: 1, want: ['1000:null→up@1000', '1500:up→down@1500 down 1500', '2000:down→up@2000 down 1500 rec 500'] },
    { name: 'even at one sample, a single timeout flips nothing', states: 'up ? up', n: 1, want: ['1000:null→up@1000'] },
  ];
  for (const c of cases) it(`link state - ${c.name}`, () => assert.deepEqual(run(parse(c.states), c.n), c.want));

  it('link state - links are tracked independently and missing ones keep their state', () => {
    const a = advanceLinks(new Map(), [gw('up'), { ...gw('up'), peer: 'syd' }], 0);
    const b = advanceLinks(a.table, [{ ...gw('down'), peer: 'syd' }], 500, { confirmSamples: 1 });
    assert.deepEqual(b.records.map((r) => `${r.peer}:${r.state}`), ['syd:down']);
    assert.equal(b.table.get('gateway:iad-1:lhr')?.state, 'up');
  });

  it('link state - a link that went down for an unreachable server says so', () => {
    let table: LinkTable = advanceLinks(new Map(), [gw('up')], 0).table;
    table = advanceLinks(table, [gw('unknown')], 500).table;
    const r = advanceLinks(table, [gw('unknown')], 1000);
    assert.equal(r.records[0]?.detail, 'server unreachable');
  });
});
