import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from '../../test/support/temp-dir.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Verdict } from '../verdict/result.ts';
import { DEFAULT_THRESHOLDS } from '../verdict/thresholds.ts';
import { comparisonRows, formatRatio, ratioOf, renderComparison } from './comparison.ts';
import { escapeXml, renderJunit } from './junit.ts';
import { buildRunSummary, readRunSummary, type RunReportInput } from './run-summary.ts';
import { renderFailures, renderVerdictTable } from './verdict-table.ts';
import { writeRunReports } from './write-run-reports.ts';

const verdict: Verdict = {
  pass: false,
  incomplete: false,
  results: [
    { name: 'recovery.maxSeconds', role: 'detector', bound: '≤ 10 s', observed: '1 link(s) not recovered', observedValue: null, status: 'fail', pass: false,
      evidence: ['iad-2 → lhr gateway in handshake since 8.0 s before heal of blackhole iad→lhr, still at end of run'] },
    { name: 'statsz.maxPerServerPerSecond', role: 'guard', bound: '≤ 4 msgs/s per server', observed: '21 msgs/s', observedValue: 21, status: 'fail', pass: false,
      evidence: ['lhr-1 sent 21 STATSZ in second 14:03:05', 'odd <tag> & "quotes" \'single\' | pipe \u0007bell'] },
    { name: 'memory.maxRssMiB', role: 'guard', bound: '≤ 256 MiB', observed: '40.0 MiB', observedValue: 40, status: 'pass', pass: true, evidence: ['highest: iad-1 RSS 40.0 MiB at 14:03:02'] },
  ],
  detectorsFailed: ['recovery.maxSeconds'],
  guardsFailed: ['statsz.maxPerServerPerSecond'],
};

const input = (over: Partial<RunReportInput> = {}): RunReportInput => ({
  scenario: 'stuck-gateway', variant: 'v2.10.14', seed: 42, startedAt: new Date('2026-11-25T14:03:00Z'), endedAt: new Date('2026-11-25T14:05:30Z'),
  verdict, thresholds: DEFAULT_THRESHOLDS, incomplete: false, ...over,
});

const count = (s: string, needle: string): number => s.split(needle).length - 1;

describe('report', () => {
  it('report - xml escaping covers the five entities, control characters and newlines in attributes', () => {
    assert.equal(escapeXml(`a<b>&"c"'d'\u0000\u001Fe`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e');
    assert.equal(escapeXml('one\ntwo', true), 'one&#10;two');
    assert.equal(escapeXml('one\ntwo'), 'one\ntwo');
  });

  it('report - junit has one suite, one testcase per threshold, a failure per failed threshold', () => {
    const xml = renderJunit(buildRunSummary(input()));
    assert.equal(count(xml, '<testsuite '), 1);
    assert.match(xml, /<testsuite name="brownout\.stuck-gateway" tests="3" failures="2"/);
    assert.equal(count(xml, '<testcase '), 3);
    assert.equal(count(xml, '<failure '), 2);
    assert.match(xml, /<testcase name="statsz.maxPerServerPerSecond \(guard\)"[^>]*>\n\s*<failure message="guard failed: observed 21 msgs\/s, bound ≤ 4 msgs\/s per server" type="guard">lhr-1 sent 21 STATSZ/);
    assert.ok(xml.includes('odd &lt;tag&gt; &amp; &quot;quotes&quot; &apos;single&apos; | pipe bell'));
    assert.ok(!xml.includes('\u0007'));
    // Nothing unescaped slipped into text: every & starts an entity.
    assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(xml));
  });

  it('report - an incomplete run adds a failing run.complete testcase', () => {
    const xml = renderJunit(buildRunSummary(input({ incomplete: true })));
    assert.equal(count(xml, '<testcase '), 4);
    assert.match(xml, /<testcase name="run\.complete"/);
    assert.match(xml, /tests="4" failures="3"/);
  });

  it('report - summary.json round-trips through the files a run folder gets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brownout-report-'));
    const written = writeRunReports(dir, input());
    assert.deepEqual(readRunSummary(dir), written);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')), written);
    assert.deepEqual({ pass: written.pass, incomplete: written.incomplete, durationSeconds: written.durationSeconds, startedAt: written.startedAt },
      { pass: false, incomplete: false, durationSeconds: 150, startedAt: '2026-11-25T14:03:00.000Z' });
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    assert.match(md, /^# stuck-gateway on v2\.10\.14: FAIL/);
    assert.match(md, /\| statsz\.maxPerServerPerSecond \| guard \| ≤ 4 msgs\/s per server \| 21 msgs\/s \| \*\*FAIL\*\* \|/);
    assert.ok(md.includes('odd <tag>'));
    assert.equal(count(readFileSync(join(dir, 'junit.xml'), 'utf8'), '<testcase '), 3);
  });

  it('report - the runner saying incomplete makes the summary incomplete and not passing', () => {
    const s = buildRunSummary(input({ incomplete: true, verdict: { pass: true, incomplete: false, results: [], detectorsFailed: [], guardsFailed: [] } }));
    assert.deepEqual({ pass: s.pass, incomplete: s.incomplete }, { pass: false, incomplete: true });
  });

  it('report - a damaged summary.json names the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brownout-report-'));
    assert.throws(() => readRunSummary(dir), /summary\.json: cannot read run summary/);
  });

  it('report - verdict table has the four columns, one row per threshold and no colour codes', () => {
    const out = renderVerdictTable(verdict);
    assert.ok(!out.includes('\u001b['), 'colour codes in the table');
    for (const h of ['threshold', 'bound', 'observed', 'result']) assert.ok(out.includes(h));
    assert.equal(count(out, 'FAIL'), 2);
    assert.equal(count(out, 'PASS'), 1);
    assert.ok(renderVerdictTable({ ...verdict, incomplete: true }).includes('INCOMPLETE'));
  });

  const ratios: { a: number | null; b: number | null; want: number | null; shown: string }[] = [
    { a: 21, b: 2, want: 2 / 21, shown: '×0.10' },
    { a: 2, b: 21, want: 10.5, shown: '×10.5' },
    { a: 0, b: 0, want: 1, shown: '×1.00' },
    { a: 0, b: 3, want: Infinity, shown: '∞' },
    { a: null, b: 3, want: null, shown: '-' },
  ];
  for (const r of ratios) {
    it(`report - comparison ratio of ${r.a} and ${r.b} is ${r.shown}`, () => {
      assert.equal(ratioOf(r.a, r.b), r.want);
      assert.equal(formatRatio(ratioOf(r.a, r.b)), r.shown);
    });
  }

  it('report - comparison lines up thresholds by name, including ones only one side checked', () => {
    const patched: Verdict = {
      pass: true, incomplete: false,
      results: [
        { name: 'statsz.maxPerServerPerSecond', role: 'guard', bound: '≤ 4 msgs/s per server', observed: '2 msgs/s', observedValue: 2, status: 'pass', pass: true, evidence: [] },
        { name: 'recovery.maxSeconds', role: 'guard', bound: '≤ 10 s', observed: '2.5 s', observedValue: 2.5, status: 'pass', pass: true, evidence: [] },
        { name: 'probe.maxGapSeconds', role: 'guard', bound: '≤ 2 s', observed: '0.1 s', observedValue: 0.1, status: 'pass', pass: true, evidence: [] },
      ],
      detectorsFailed: [], guardsFailed: [],
    };
    const rows = comparisonRows({ variant: 'v2.10.14', verdict }, { variant: 'v2.10.14+brownout', verdict: patched });
    assert.deepEqual(rows.map((r) => [r.name, r.ratio]), [
      ['recovery.maxSeconds', null],
      ['statsz.maxPerServerPerSecond', 2 / 21],
      ['memory.maxRssMiB', null],
      ['probe.maxGapSeconds', null],
    ]);
    assert.equal(rows[2]!.b, 'not checked');
    const out = renderComparison({ variant: 'v2.10.14', verdict }, { variant: 'v2.10.14+brownout', verdict: patched });
    assert.ok(out.includes('v2.10.14+brownout / v2.10.14'));
    assert.ok(out.includes('×0.10'));
    assert.ok(!out.includes('\u001b['));
  });
});

describe('report failures', () => {
  it('report - failures list each failed threshold with its evidence and nothing for passes', () => {
    const out = renderFailures(verdict);
    assert.match(out, /^recovery\.maxSeconds \(detector\): observed 1 link\(s\) not recovered, bound ≤ 10 s\n  - iad-2 → lhr gateway in handshake/);
    assert.ok(out.includes('statsz.maxPerServerPerSecond (guard): observed 21 msgs/s'));
    assert.ok(!out.includes('memory.maxRssMiB'));
  });
});
