import assert from 'node:assert/strict';
import { liveStatus } from './live-status.ts';
import type { TimelineRecord } from '../timeline/records.ts';

const link = (t: number, server: string, peer: string, state: 'up' | 'down' | 'handshake'): TimelineRecord =>
  ({ t, kind: 'link', server, region: 'iad', linkType: 'gateway', peer, state, previous: null, since: t });
const statsz = (second: number, msgs: number): TimelineRecord =>
  ({ t: second + 1000, kind: 'statsz', second, serverId: 'X', serverName: 'iad-1', msgs, bytes: msgs * 800, observedOn: 'iad-1' });

describe('live status', () => {
  it('live status - counts the latest state per link and STATSZ over the window', () => {
    const s = liveStatus([
      link(1, 'iad-1', 'lhr', 'up'), link(1, 'iad-1', 'syd', 'up'), link(2, 'iad-1', 'syd', 'handshake'),
      statsz(0, 100), statsz(6000, 10), statsz(9000, 5),
    ], 10_000);
    assert.deepEqual(s, { linksUp: 1, links: 2, stuck: 1, statszPerSecond: 3 });
  });
});
