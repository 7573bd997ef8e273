import assert from 'node:assert/strict';
import type { TimelineRecord } from '../../harness/timeline/records.ts';
import { versionProblems } from './upgraded-versions.ts';

const T0 = Date.parse('2026-12-05T01:00:00Z');
const varz = (server: string, t: number, version?: string) =>
  ({ t: T0 + t, kind: 'varz', server, region: 'iad', serverId: 'x', intervalMs: 0, outMsgs: 0, outBytes: 0, inMsgs: 0, inBytes: 0, rssBytes: 0, cpuPercent: 0, connections: 0, routes: 0, healthy: true, ...(version ? { version } : {}) }) as TimelineRecord;
const ended = (s: number) => new Date(T0 + s).toISOString();

describe('upgraded versions', () => {
  it('rollout - every upgraded server must say the target version on /varz after its upgrade', () => {
    const table: [TimelineRecord[], { server: string; endedAt?: string }[], RegExp[]][] = [
      [[varz('iad-1', 0, '2.10.14'), varz('iad-1', 5000, '2.10.14+brownout')], [{ server: 'iad-1', endedAt: ended(4000) }], []],
      // Still the old version after the upgrade: the rollout lied.
      [[varz('iad-1', 5000, '2.10.14')], [{ server: 'iad-1', endedAt: ended(4000) }], [/iad-1: \/varz says 2\.10\.14, not 2\.10\.14\+brownout/]],
      // The right version, but read before the upgrade ended: not evidence.
      [[varz('iad-1', 3000, '2.10.14+brownout')], [{ server: 'iad-1', endedAt: ended(4000) }], [/iad-1: last \/varz sample .* is not after its upgrade ended/]],
      [[], [{ server: 'iad-2', endedAt: ended(1) }], [/iad-2: no \/varz sample/]],
      [[varz('iad-1', 5000, '2.10.14+brownout')], [{ server: 'iad-1' }], [/not after its upgrade ended \(never\)/]],
      [[varz('iad-1', 5000)], [{ server: 'iad-1', endedAt: ended(1) }], [/says no version/]],
    ];
    for (const [timeline, upgraded, want] of table) {
      const got = versionProblems(timeline, upgraded, '2.10.14+brownout');
      assert.equal(got.length, want.length, got.join('\n'));
      want.forEach((re, i) => assert.match(got[i]!, re));
    }
  });
});
