// report.html in a real browser: Debian's headless Chromium opens each report through the DevTools
// protocol (puppeteer-core), every chart is an SVG with data marks, the console stays clean, the
// page asks for nothing over the network, and a screenshot is kept with the run (report.png).
// Input: real recorded runs (harness/verdict/recorded/), rendered into run folders under
// runs/test-report-html/. The newest real run folder's report.html is checked too (or the one in
// BROWNOUT_REPORT_RUN=runs/<id>), its screenshot kept beside it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { RUNS_DIR } from '../core/layout.ts';
import { recordedRun, recordedTimelineText, type RecordedRun } from '../harness/report/recorded-runs.ts';
import { CHART_IDS } from '../harness/report/report-charts.ts';
import { writeComparisonReport } from '../harness/report/write-html-report.ts';
import { writeRunReports } from '../harness/report/write-run-reports.ts';
import { isCi } from './support/docker-engine.ts';
import { launchChromium, watchedPage } from './support/headless-chromium.ts';
import { skipBecause } from './support/skip.ts';

const OUT = path.join(RUNS_DIR, 'test-report-html');

interface ChartSeen { id: string; svgs: number; marks: number; bands: number; width: number }
interface PageSeen { charts: ChartSeen[]; problems: string[]; png: string }

/** Renders a recorded run into a run folder the way a run would: timeline.ndjson, then writeRunReports. */
const prepared = new Set<RecordedRun>();
function recordedRunDir(name: RecordedRun): string {
  const dir = path.join(OUT, name);
  if (prepared.has(name)) return dir;
  prepared.add(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'timeline.ndjson'), recordedTimelineText(name));
  const s = recordedRun(name).summary;
  writeRunReports(dir, { scenario: s.scenario, variant: s.variant, seed: s.seed, startedAt: s.startedAt, endedAt: s.endedAt, verdict: s.verdict, thresholds: s.thresholds, incomplete: s.incomplete });
  return dir;
}

/** The most recent run folder with a report.html, other than the ones this test renders. */
function newestRealRun(): string | undefined {
  if (!existsSync(RUNS_DIR)) return undefined;
  return readdirSync(RUNS_DIR).map((n) => path.join(RUNS_DIR, n))
    // A finished run: an interrupted one (the Ctrl-C tests make some) may have too little to chart.
    .filter((d) => d !== OUT && existsSync(path.join(d, 'report.html')) && existsSync(path.join(d, 'summary.json'))
      && (JSON.parse(readFileSync(path.join(d, 'summary.json'), 'utf8')) as { incomplete?: boolean }).incomplete === false)
    .sort((a, b) => statSync(path.join(b, 'report.html')).mtimeMs - statSync(path.join(a, 'report.html')).mtimeMs)[0];
}

async function open(browser: Browser, html: string): Promise<PageSeen> {
  const { page, problems } = await watchedPage(browser);
  try {
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load', timeout: 30_000 });
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svgs = f.querySelectorAll('svg');
      const svg = svgs[0];
      return {
        id: f.getAttribute('data-chart') ?? '',
        svgs: svgs.length,
        // ECharts draws each series' line as a path inside its clipped plot area.
        marks: svg ? [...svg.querySelectorAll('g[clip-path] path')].filter((p) => (p.getAttribute('d') ?? '').length > 20).length : 0,
        // Fault windows: the shaded areas of the band series (series 0).
        bands: svg ? svg.querySelectorAll('polygon[ecmeta_series_index="0"]').length : 0,
        width: svg ? svg.getBoundingClientRect().width : 0,
      };
    }));
    const png = html.replace(/\.html$/, '.png');
    await page.screenshot({ path: png as `${string}.png`, fullPage: true });
    return { charts, problems, png };
  } finally {
    await page.close();
  }
}

function assertReadable(seen: PageSeen, bands: number): void {
  assert.deepEqual(seen.problems, []);
  assert.deepEqual(seen.charts.map((c) => c.id), CHART_IDS, 'one figure per chart, in order');
  for (const c of seen.charts) {
    assert.equal(c.svgs, 1, `${c.id}: one SVG`);
    assert.ok(c.marks > 0, `${c.id}: the SVG has data marks`);
    assert.equal(c.bands, bands, `${c.id}: every fault window shaded`);
    assert.ok(c.width > 400, `${c.id}: laid out (${c.width}px wide)`);
  }
  const png = readFileSync(seen.png);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(statSync(seen.png).size > 20_000, `${seen.png} is a real screenshot`);
}

describe('report.html in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => { await browser?.close(); });

  for (const c of [{ run: 'packet-loss-stock', bands: 2 }, { run: 'statsz-storm-stock', bands: 3 }] as const) {
    it(`report-html - ${c.run}: charts are SVGs with data, fault windows shaded, console clean, screenshot kept`, async () => {
      const dir = recordedRunDir(c.run);
      assertReadable(await open(browser!, path.join(dir, 'report.html')), c.bands);
    });
  }

  it('report-html - stock vs patched packet-loss overlaid in one page opens cleanly with both runs\' bands', async () => {
    const file = writeComparisonReport(recordedRunDir('packet-loss-stock'), recordedRunDir('packet-loss-patched'));
    assertReadable(await open(browser!, file), 4);
  });

  it('report-html - a broken page is caught: a console error and a network request are reported', async () => {
    const dir = path.join(OUT, 'broken');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'report.html');
    writeFileSync(file, '<!doctype html><html><body><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script></body></html>');
    const seen = await open(browser!, file);
    assert.ok(seen.problems.some((p) => p === 'console error: boom'), seen.problems.join('\n'));
    assert.ok(seen.problems.some((p) => p.startsWith('network request: http://127.0.0.1:9/')), seen.problems.join('\n'));
    assert.deepEqual(seen.charts, []);
  });

  it('report-html - the newest real run\'s report.html (or BROWNOUT_REPORT_RUN\'s) opens cleanly, screenshot kept', async function () {
    const dir = process.env.BROWNOUT_REPORT_RUN ? path.resolve(process.env.BROWNOUT_REPORT_RUN) : newestRealRun();
    if (!dir) {
      const why = `no real run with a report.html under ${RUNS_DIR} yet (run npm run chaos, or set BROWNOUT_REPORT_RUN=runs/<id>)`;
      // In CI the scenario tests before this one leave real runs behind: none means something broke.
      if (isCi()) throw new Error(`${why}; CI must check one`);
      skipBecause(this, why);
    }
    const seen = await open(browser!, path.join(dir, 'report.html'));
    assert.deepEqual(seen.problems, []);
    assert.deepEqual(seen.charts.map((c) => c.id), CHART_IDS);
    for (const c of seen.charts) assert.ok(c.svgs === 1 && c.marks > 0, `${dir}: ${JSON.stringify(c)}`);
  });
});
