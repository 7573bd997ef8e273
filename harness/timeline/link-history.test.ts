import assert from 'node:assert/strict';
import { addLinkRecord, latestState, linkHistories, outagesOf, stateAt, type LinkHistory } from './link-history.ts';
import type { LinkRecord, LinkState, TimelineRecord } from './records.ts';

const link = (t: number, state: LinkState, since = t, peer = 'lhr', server = 'iad-1'): LinkRecord =>
  ({ t, kind: 'link', server, region: 'iad', linkType: 'gateway', peer, state, previous: null, since });
const hist = (...xs: [number, LinkState][]): LinkHistory =>
  ({ server: 'iad-1', region: 'iad', peer: 'lhr', linkType: 'gateway', transitions: xs.map(([at, state]) => ({ at, state })) });

describe('link history', () => {
  it('link history - one history per link, transitions ordered by since then t, other records ignored', () => {
    const records: TimelineRecord[] = [
      link(1000, 'up'), link(2000, 'up', 2000, 'syd'),
      link(3000, 'up'), link(2600, 'down', 2500), // written out of order: the back-dated `since` orders it
      { t: 2700, kind: 'note', level: 'info', text: 'x' },
    ];
    const hs = linkHistories(records);
    assert.deepEqual(hs.map((h) => `${h.server}>${h.peer}: ${h.transitions.map((x) => `${x.at}:${x.state}`).join(' ')}`), [
      'iad-1>lhr: 1000:up 2500:down 3000:up',
      'iad-1>syd: 2000:up',
    ]);
  });

  it('link history - addLinkRecord inserts a back-dated transition in order', () => {
    const m = new Map<string, LinkHistory>();
    addLinkRecord(m, link(1000, 'up'));
    addLinkRecord(m, link(3000, 'up'));
    const h = addLinkRecord(m, link(3500, 'down', 2000));
    assert.deepEqual(h.transitions.map((x) => x.at), [1000, 2000, 3000]);
    assert.equal(latestState(h)?.state, 'up');
  });

  const h = hist([1000, 'up'], [2000, 'down'], [3000, 'up']);
  const at: { t: number; exclusive?: boolean; want: string | undefined }[] = [
    { t: 999, want: undefined },
    { t: 1000, want: 'up' },
    { t: 2000, want: 'down' },
    { t: 2000, exclusive: true, want: 'up' },
    { t: 2999, want: 'down' },
    { t: 10_000, want: 'up' },
  ];
  for (const c of at) {
    it(`link history - stateAt(${c.t}${c.exclusive ? ', exclusive' : ''}) is ${c.want}`, () => assert.equal(stateAt(h, c.t, c.exclusive)?.state, c.want));
  }

  const outages: { name: string; h: LinkHistory; want: string[] }[] = [
    { name: 'up only: none', h: hist([1000, 'up']), want: [] },
    { name: 'down then up: one, with its recovery', h: hist([1000, 'up'], [2000, 'down'], [3500, 'up']), want: ['2000→3500 1500ms'] },
    { name: 'down, handshake, up: one outage through handshake', h: hist([1000, 'up'], [2000, 'down'], [2500, 'handshake'], [4000, 'up']), want: ['2000→4000 2000ms handshake'] },
    { name: 'first seen down, never up: open', h: hist([1000, 'down']), want: ['1000→null nullms'] },
  ];
  for (const c of outages) {
    it(`link history - outages: ${c.name}`, () => assert.deepEqual(
      outagesOf(c.h).map((o) => `${o.downAt}→${o.upAt} ${o.recoveryMs}ms${o.sawHandshake ? ' handshake' : ''}`), c.want));
  }
});
