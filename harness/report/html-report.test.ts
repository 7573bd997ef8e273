import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from '../../test/support/temp-dir.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LinkRecord, TimelineRecord } from '../timeline/records.ts';
import { DEFAULT_THRESHOLDS } from '../verdict/thresholds.ts';
import { renderHtmlReport } from './html-report.ts';
import { recordedRun, recordedTimelineText, type RecordedRun } from './recorded-runs.ts';
import { CHART_IDS, reportCharts } from './report-charts.ts';
import { buildRunSummary } from './run-summary.ts';
import { gatewayCounts, runSeries, statszPerSecond } from './run-series.ts';
import { writeComparisonReport } from './write-html-report.ts';
import { writeRunReports } from './write-run-reports.ts';

const T0 = 1_800_000_000_000;
const link = (t: number, server: string, peer: string, state: LinkRecord['state']): LinkRecord => ({
  t: T0 + t, kind: 'link', server, region: server.split('-')[0]!, linkType: 'gateway', peer, state, previous: null, since: T0 + t,
});

const count = (s: string, needle: string | RegExp): number => (typeof needle === 'string' ? s.split(needle).length - 1 : (s.match(needle) ?? []).length);
const figures = (html: string): string[] => html.split('<figure class="chart"').slice(1);

const cached = new Map<RecordedRun, ReturnType<typeof recordedRun>>();
const run = (name: RecordedRun): ReturnType<typeof recordedRun> => {
  if (!cached.has(name)) cached.set(name, recordedRun(name));
  return cached.get(name)!;
};

describe('html report series', () => {
  const records: TimelineRecord[] = [
    link(500, 'iad-1', 'lhr', 'up'), link(500, 'iad-2', 'lhr', 'up'), link(500, 'lhr-1', 'iad', 'up'),
    link(2000, 'iad-1', 'lhr', 'down'), link(3000, 'iad-1', 'lhr', 'handshake'), link(3000, 'iad-2', 'lhr', 'handshake'),
    link(6000, 'iad-2', 'lhr', 'up'),
  ];
  const cases: { state: 'up' | 'handshake'; want: Record<string, [number, number][]> }[] = [
    { state: 'up', want: { 'iad→lhr': [[0.5, 2], [2, 1], [3, 0], [6, 1], [10, 1]], 'lhr→iad': [[0.5, 1], [10, 1]] } },
    { state: 'handshake', want: { 'iad→lhr': [[0.5, 0], [2, 0], [3, 2], [6, 1], [10, 1]], 'lhr→iad': [[0.5, 0], [10, 0]] } },
  ];
  for (const c of cases) {
    it(`html report - gateways ${c.state} per region pair from the first look, a step at each transition, held to the end`, () => {
      const got = gatewayCounts(records, c.state, T0, T0 + 10_000);
      assert.deepEqual(Object.fromEntries(got.map((s) => [s.name, s.points])), c.want);
    });
  }

  it('html report - STATSZ per server per second sums restarts of one name and fills quiet seconds with 0', () => {
    const statsz = (second: number, serverName: string, serverId: string, msgs: number): TimelineRecord => ({
      t: T0 + second * 1000 + 900, kind: 'statsz', second: T0 + second * 1000, serverId, serverName, msgs, bytes: msgs * 1000, observedOn: 'iad-1',
    });
    const got = statszPerSecond([statsz(0, 'lhr-1', 'A', 2), statsz(2, 'lhr-1', 'A', 1), statsz(2, 'lhr-1', 'B', 7)], T0, T0 + 3000);
    assert.deepEqual(got, [{ name: 'lhr-1', points: [[0, 2], [1, 0], [2, 8], [3, 0]] }]);
  });

  it('html report - recorded stock packet-loss ends with a pair short of its gateways, patched ends with every pair full', () => {
    const lastOf = (name: RecordedRun): Record<string, number> =>
      Object.fromEntries(runSeries(run(name).records).linksUp.map((s) => [s.name, s.points.at(-1)![1]!]));
    const stock = lastOf('packet-loss-stock');
    const patched = lastOf('packet-loss-patched');
    assert.deepEqual(Object.keys(patched).sort(), ['iad→lhr', 'iad→syd', 'lhr→iad', 'lhr→syd', 'syd→iad', 'syd→lhr']);
    assert.ok(Object.values(patched).every((n) => n === 3), JSON.stringify(patched));
    assert.ok(Object.values(stock).some((n) => n < 3), JSON.stringify(stock));
  });

  it('html report - fault windows become bands in seconds since the run started', () => {
    const s = runSeries(run('packet-loss-stock').records);
    assert.equal(s.bands.length, 2);
    for (const b of s.bands) assert.ok(b.from > 0 && b.to > b.from && b.to < s.duration, JSON.stringify(b));
    assert.match(s.bands[0]!.label, /^packet-loss gw-lhr-1/);
    assert.deepEqual(s.bands.map((b) => b.key), ['F1', 'F2']);
  });

  it('html report - overlaid charts keep both runs, the baseline dashed, one colour group per series name', () => {
    const a = runSeries(run('packet-loss-stock').records);
    const b = runSeries(run('packet-loss-patched').records);
    const charts = reportCharts([{ label: 'stock', series: a }, { label: 'patched', series: b }]);
    const links = charts.find((c) => c.id === 'links-up')!;
    assert.equal(links.lines.length, 12);
    assert.deepEqual(links.lines.filter((l) => l.dashed).map((l) => l.name), a.linksUp.map((s) => `${s.name} stock`));
    assert.equal(new Set(links.lines.map((l) => l.group)).size, 6);
    assert.equal(links.bands.length, 4);
    assert.deepEqual(links.bands.map((x) => x.key), ['', '', 'F1', 'F2'], 'only the candidate labels its bands');
  });
});

describe('html report page', () => {
  it('html report - one figure per chart, each with one inline SVG carrying data and the fault bands', () => {
    const html = renderHtmlReport({ runs: [run('packet-loss-stock')] });
    const figs = figures(html);
    assert.deepEqual(figs.map((f) => /data-chart="([^"]+)"/.exec(f)![1]), CHART_IDS);
    for (const f of figs) {
      assert.equal(count(f, '<svg'), 1);
      assert.ok(Number(/data-points="(\d+)"/.exec(f)![1]) > 0, f.slice(0, 200));
      // Two fault windows: two shaded rectangles in every chart.
      assert.equal(count(f, /<polygon [^>]*ecmeta_series_index="0"/g), 2, f.slice(0, 200));
    }
    assert.match(html, /<h1>packet-loss on v2\.10\.14: <span class="outcome-FAIL">FAIL<\/span><\/h1>/);
  });

  it('html report - self-contained: no script, no stylesheet or image from elsewhere', () => {
    const html = renderHtmlReport({ runs: [run('packet-loss-stock')] });
    assert.ok(!/<script/i.test(html));
    assert.ok(!/<link\b/i.test(html));
    // Every URL in the page is an SVG namespace, never something to fetch.
    const urls = html.match(/(?:https?:)?\/\/[^\s"'<>)]+/g) ?? [];
    assert.deepEqual([...new Set(urls)].sort(), ['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
  });

  it('html report - the verdict table escapes evidence, shows each role and status, and says which detector or guard failed', () => {
    const summary = buildRunSummary({
      scenario: 'packet-loss', variant: 'v2.10.14', seed: 1, startedAt: T0, endedAt: T0 + 60_000, thresholds: DEFAULT_THRESHOLDS, incomplete: false,
      verdict: {
        pass: false, incomplete: false, detectorsFailed: ['recovery.noneStuck'], guardsFailed: [],
        results: [
          { name: 'recovery.noneStuck', role: 'detector', bound: 'none', observed: '1 stuck', observedValue: 1, status: 'fail', pass: false, evidence: ['<b>iad-1</b> & "lhr"'] },
          { name: 'memory.maxRssMiB', role: 'guard', bound: '≤ 256 MiB', observed: 'n/a', observedValue: null, status: 'n/a', pass: true, evidence: [] },
        ],
      },
    });
    const html = renderHtmlReport({ runs: [{ summary, records: [] }] });
    assert.ok(html.includes('&lt;b&gt;iad-1&lt;/b&gt; &amp; &quot;lhr&quot;'));
    assert.ok(!html.includes('<b>iad-1'));
    assert.match(html, /<tr class="fail"><td><code>recovery\.noneStuck<\/code><\/td><td>detector<\/td>.*<td class="result">FAIL<\/td>/);
    assert.match(html, /<tr class="na"><td><code>memory\.maxRssMiB<\/code><\/td><td>guard<\/td>.*<td class="result">n\/a<\/td>/);
    assert.match(html, /<p class="roles">caught by detector: recovery\.noneStuck<\/p>/);
    // No records: every chart is still there, empty and saying so.
    assert.equal(figures(html).length, CHART_IDS.length);
    assert.equal(count(html, 'No data recorded for this chart.'), CHART_IDS.length);
  });

  it('html report - recorded patched packet-loss: every threshold passes, nothing caught', () => {
    const html = renderHtmlReport({ runs: [run('packet-loss-patched')] });
    assert.ok(!html.includes('FAIL</td>'));
    assert.ok(!html.includes('class="roles"'));
    assert.match(html, /<td>detector<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td class="result">PASS<\/td>/);
  });

  it('html report - a rollout section goes between the verdict and the charts, its stages shaded on every chart', () => {
    const html = renderHtmlReport({
      runs: [run('statsz-storm-patched')],
      sections: [{ id: 'rollout', title: 'Rollout stages', html: '<p>canary iad-1</p>', bands: [{ label: 'canary', from: 1, to: 9, kind: 'stage' }] }],
    });
    assert.ok(html.indexOf('id="verdict"') < html.indexOf('id="rollout"') && html.indexOf('id="rollout"') < html.indexOf('id="charts"'));
    for (const f of figures(html)) assert.ok(f.includes('>canary</text>'), 'stage band labelled in every chart');
  });
});

describe('html report files', () => {
  it('html report - writeRunReports writes report.html from the run folder\'s timeline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brownout-html-'));
    const r = run('statsz-storm-stock');
    writeFileSync(join(dir, 'timeline.ndjson'), recordedTimelineText('statsz-storm-stock'));
    const s = r.summary;
    writeRunReports(dir, { scenario: s.scenario, variant: s.variant, seed: s.seed, startedAt: s.startedAt, endedAt: s.endedAt, verdict: s.verdict, thresholds: DEFAULT_THRESHOLDS, incomplete: false });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<h1>statsz-storm on v2\.10\.14: /);
    for (const f of figures(html)) assert.ok(Number(/data-points="(\d+)"/.exec(f)![1]) > 0);
  });

  it('html report - a page that cannot be drawn is reported on stderr and the other reports are still written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'brownout-html-'));
    const s = run('packet-loss-patched').summary;
    const said: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => { said.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
      writeRunReports(dir, { ...s, thresholds: DEFAULT_THRESHOLDS, records: [null as never] });
    } finally {
      process.stderr.write = write;
    }
    assert.equal(said.length, 1);
    assert.match(said[0]!, /^report\.html not written: /);
    assert.ok(existsSync(join(dir, 'summary.json')) && existsSync(join(dir, 'junit.xml')));
    assert.ok(!existsSync(join(dir, 'report.html')));
  });

  it('html report - a comparison page overlays two run folders, baseline dashed', () => {
    const dirs = (['packet-loss-stock', 'packet-loss-patched'] as const).map((name) => {
      const dir = mkdtempSync(join(tmpdir(), `brownout-${name}-`));
      writeFileSync(join(dir, 'timeline.ndjson'), recordedTimelineText(name));
      const s = run(name).summary;
      writeRunReports(dir, { ...s, thresholds: DEFAULT_THRESHOLDS });
      return dir;
    });
    const file = writeComparisonReport(dirs[0]!, dirs[1]!);
    assert.equal(file, join(dirs[1]!, 'compare.html'));
    const html = readFileSync(file, 'utf8');
    assert.match(html, /packet-loss: v2\.10\.14 <span class="outcome-FAIL">FAIL<\/span> vs v2\.10\.14\+brownout <span class="outcome-PASS">PASS<\/span>/);
    assert.ok(html.includes('<th>v2.10.14+brownout / v2.10.14</th>'));
    assert.match(html, /<tr><td><code>recovery\.noneStuck<\/code><\/td><td>detector<\/td>.*?<td class="fail">6 stuck FAIL<\/td><td class="pass">0 stuck PASS<\/td>/);
    const links = figures(html).find((f) => f.includes('data-chart="links-up"'))!;
    assert.match(links, /data-lines="12"/);
    assert.ok(count(links, 'stroke-dasharray') >= 6, 'the baseline\'s lines are dashed');
  });
});
