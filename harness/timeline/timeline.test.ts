import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  RECORD_KINDS, TimelineWriter, formatRecord, parseTimeline, readTimeline, type TimelineRecord,
} from './index.ts';
import { BadInputError } from '../../core/errors.ts';

const t = 1_764_000_000_000;
const samples: TimelineRecord[] = [
  { t, kind: 'link', server: 'iad-1', region: 'iad', linkType: 'gateway', peer: 'lhr', state: 'up', previous: 'down', since: t, downSince: t - 10_000, recoveryMs: 10_000 },
  { t, kind: 'statsz', second: t - 1000, serverId: 'NABC', serverName: 'iad-2', msgs: 3, bytes: 2400, observedOn: 'lhr-1' },
  { t, kind: 'statsz-burst', serverId: 'NABC', serverName: 'iad-2', msgs: 7, peak: 5, bytes: 5600, first: t - 80, last: t, windowMs: 100, minMsgs: 3, observedOn: 'lhr-1' },
  { t, kind: 'statsz-check', from: t - 500, to: t, statszMsgs: 4, statszBytes: 3000, varzOutMsgs: 40, varzOutBytes: 30000, routeOutMsgs: 20, routeOutBytes: 16000, gatewayOutMsgs: 10, gatewayOutBytes: 8000, servers: 12 },
  { t, kind: 'varz', server: 'iad-1', region: 'iad', serverId: 'NABC', intervalMs: 500, outMsgs: 1, outBytes: 2, inMsgs: 3, inBytes: 4, rssBytes: 20 << 20, cpuPercent: 1.5, connections: 2, routes: 3, healthy: true },
  { t, kind: 'server', server: 'iad-1', region: 'iad', state: 'restarted', serverId: 'NNEW', previousId: 'NOLD' },
  { t, kind: 'probe', from: 'iad', to: 'lhr', windowStart: t - 1000, windowEnd: t, sent: 10, delivered: 9, lost: 1, duplicated: 0, reordered: 0, latencyMs: { p50: 1, p99: 2, max: 3 }, longestGapMs: 200, stalled: false },
  { t, kind: 'probe-stall', region: 'lhr', server: 'lhr-1', phase: 'resumed', lastMessageAt: t - 4000, stalledMs: 4000 },
  { t, kind: 'step', scenario: 'partition', index: 0, name: 'cut syd', phase: 'end', ok: true },
  { t, kind: 'fault', fault: 'partition', phase: 'applied', targets: ['syd→iad'], attributes: { durationMs: 10_000 } },
  { t, kind: 'statsz-content', serverId: 'NAAA', serverName: 'iad-1', routePeers: ['iad-2'], routes: 4, activeServers: 9, observedOn: 'iad-1' },
  { t, kind: 'route-pool', server: 'iad-1', region: 'iad', serverId: 'NAAA', poolSize: 3, pinned: ['SYS'], peers: [{ peerId: 'NBBB', peer: 'iad-2', pooled: 3, accounts: ['SYS'] }], newRoutes: 4 },
  { t, kind: 'connects', server: 'iad-1', region: 'iad', second: 1_700_000_000_000, routes: 8, gateways: 2, source: 'log' },
  { t, kind: 'observer', cpuPercent: 3, windowMs: 1000, samples: 2, lateSamples: 0, sampleMs: 12, failedRequests: 0 },
  { t, kind: 'run', phase: 'start', runId: 'r1', regions: ['iad'], servers: [{ name: 'iad-1', region: 'iad', variant: 'v2.10.14' }], intervalMs: 500 },
  { t, kind: 'note', level: 'info', text: 'hello' },
];

describe('timeline', () => {
  it('timeline - a sample of every kind parses and formats to one line', () => {
    assert.deepEqual(new Set(samples.map((s) => s.kind)), new Set(RECORD_KINDS));
    const { records, problems } = parseTimeline(samples.map((s) => JSON.stringify(s)).join('\n'));
    assert.deepEqual(problems, []);
    assert.deepEqual(records, samples);
    for (const r of records) assert.match(formatRecord(r), /^\d\d:\d\d:\d\d\.\d\d\d \S.*$/);
    assert.match(formatRecord(samples[0]!), /gateway iad-1→lhr down→up recovered in 10\.0s/);
  });

  it('timeline - every bad line is reported with its number', () => {
    const text = [JSON.stringify(samples[0]), '{"t":1,"kind":"nope"}', 'not json', JSON.stringify({ ...samples[1], msgs: -1 })].join('\n');
    const { records, problems } = parseTimeline(text);
    assert.equal(records.length, 1);
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /^line 2:/);
    assert.match(problems[1]!, /^line 3: not JSON/);
    assert.match(problems[2]!, /^line 4: msgs/);
  });

  it('timeline - writer appends NDJSON, notifies listeners, and the reader reads it back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-timeline-'));
    try {
      const file = path.join(dir, 'run', 'timeline.ndjson');
      const w = new TimelineWriter(file);
      const seen: string[] = [];
      w.subscribe((r) => seen.push(r.kind));
      for (const s of samples) w.append(s);
      await w.close();
      await w.close();
      assert.throws(() => w.append(samples[0]!), /closed/);
      assert.equal(seen.length, samples.length);
      assert.deepEqual(await readTimeline(file), samples);
      const bad = path.join(path.dirname(file), 'bad.ndjson');
      appendFileSync(bad, '{"t":1}\n');
      await assert.rejects(readTimeline(bad), (e: unknown) => e instanceof BadInputError && e.problems.length === 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('timeline - a torn last line is dropped and reported; every whole record is kept', async () => {
    const text = `${samples.map((s) => JSON.stringify(s)).join('\n')}\n{"t":1,"kind":"no`;
    const parsed = parseTimeline(text);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.records, samples);
    assert.match(parsed.dropped ?? '', new RegExp(`^line ${samples.length + 1}: dropped a torn last line \\(17 bytes`));
    // A torn line in the middle is damage, not a crash's tail: still a problem.
    assert.match(parseTimeline(`{"t":1,"kind":"no\n${JSON.stringify(samples[0])}\n`).problems[0] ?? '', /^line 1: not JSON/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-timeline-'));
    try {
      const file = path.join(dir, 'timeline.ndjson');
      writeFileSync(file, text);
      const told: string[] = [];
      assert.deepEqual(await readTimeline(file, { onDropped: (d) => told.push(d) }), samples);
      assert.match(told.join(), /dropped a torn last line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('timeline - a writer reopening a torn timeline cuts the torn line, says so, and loses none of its own records', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-timeline-'));
    try {
      const file = path.join(dir, 'timeline.ndjson');
      writeFileSync(file, `${JSON.stringify(samples[0])}\n{"t":1,"kind":"no`);
      const w = new TimelineWriter(file);
      w.append(samples[1]!);
      await w.close();
      const { records, problems, dropped } = parseTimeline(readFileSync(file, 'utf8'));
      assert.deepEqual(problems, []);
      assert.equal(w.dropped?.bytes, 17);
      assert.equal(dropped, undefined);
      assert.deepEqual(records.map((r) => r.kind), ['link', 'note', 'statsz']);
      assert.match(records[1]!.kind === 'note' ? records[1]!.text : '', /dropped a torn last line at byte \d+ \(17 bytes/);
      // A last record that lost only its newline is whole: terminated and kept, nothing dropped.
      writeFileSync(file, JSON.stringify(samples[0]));
      const w2 = new TimelineWriter(file);
      assert.equal(w2.dropped, undefined);
      w2.append(samples[1]!);
      await w2.close();
      assert.deepEqual(await readTimeline(file), [samples[0], samples[1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
