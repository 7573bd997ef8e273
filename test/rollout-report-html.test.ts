// A rollout's report.html in a real browser: Debian's headless Chromium opens the page that
// writeRolloutReports writes (puppeteer-core), the console stays clean and nothing is asked of the
// network, every stage is there with its gates and their outcomes, the failed gate shows FAIL with
// its evidence, the rollback is there, the canary comparison has its table and charts, and every
// chart is an SVG with data and every upgrade, soak and rollback move shaded. A screenshot is kept.
// Input: a real recorded rollout (test/fixtures/rollout-rollback/: rollout.json and
// timeline.ndjson of a real 2×2 local rollout, stock → patched: the canary iad-2 passed its
// comparison with iad-1, the region stage failed its RSS gate (bound 1 MiB) and both were rolled back), rendered into runs/test-rollout-report-html/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { RUNS_DIR } from '../core/layout.ts';
import { CHART_IDS } from '../harness/report/report-charts.ts';
import { writeRolloutReports } from '../harness/report/write-rollout-reports.ts';
import type { RolloutState } from '../harness/rollout-model/index.ts';
import { parseTimeline } from '../harness/timeline/reader.ts';
import { launchChromium, watchedPage } from './support/headless-chromium.ts';

const OUT = path.join(RUNS_DIR, 'test-rollout-report-html');
const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rollout-rollback');

const fixtureState = (): RolloutState => JSON.parse(readFileSync(path.join(FIXTURE, 'rollout.json'), 'utf8')) as RolloutState;
const fixtureRecords = () => parseTimeline(readFileSync(path.join(FIXTURE, 'timeline.ndjson'), 'utf8')).records;

/** Writes the rollout's reports into runs/test-rollout-report-html/<name>/ the way the driver does; returns report.html. */
function render(name: string, state: RolloutState): string {
  const dir = path.join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeRolloutReports({ ...state, runDir: dir }, fixtureRecords());
  return path.join(dir, 'report.html');
}

interface ChartSeen { id: string; svgs: number; marks: number; bands: number; lines: number }
interface GateSeen { gate: string; outcome: string; result: string; evidence: string }
interface PageSeen {
  problems: string[];
  phase: string;
  stages: { name: string; phase: string; gates: GateSeen[]; metrics: string[]; charts: string[] }[];
  rollback: { status: string; moves: number; gates: GateSeen[] } | null;
  decisions: number;
  windows: string[];
  charts: ChartSeen[];
  png: string;
}

async function open(browser: Browser, html: string): Promise<PageSeen> {
  const { page, problems } = await watchedPage(browser);
  try {
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(pathToFileURL(html).href, { waitUntil: 'load', timeout: 30_000 });
    // Inline callbacks only: a named function inside would carry tsx's __name helper into the page.
    const phase = await page.$$eval('header#rollout', (hs) => hs.map((h) => h.getAttribute('data-phase') ?? '').join(''));
    const stages = await page.$$eval('section.stage', (ss) => ss.map((s) => ({
      name: s.getAttribute('data-stage') ?? '',
      phase: s.getAttribute('data-phase') ?? '',
      gates: [...s.querySelectorAll('table.gates tr.gate')].map((tr) => ({
        gate: tr.getAttribute('data-gate') ?? '', outcome: tr.getAttribute('data-outcome') ?? '',
        result: tr.querySelector('td.result')?.textContent ?? '', evidence: tr.querySelector('td.evidence')?.textContent ?? '',
      })),
      metrics: [...s.querySelectorAll('table.comparison tr.metric')].map((tr) => `${tr.getAttribute('data-metric')} ${tr.getAttribute('data-class')}`),
      charts: [...s.querySelectorAll('figure.chart')].map((f) => f.getAttribute('data-chart') ?? ''),
    })));
    const rollbacks = await page.$$eval('section#rollback', (rs) => rs.map((rb) => ({
      status: rb.getAttribute('data-status') ?? '',
      moves: rb.querySelectorAll('table.upgrades tr.upgrade').length,
      gates: [...rb.querySelectorAll('table.gates tr.gate')].map((tr) => ({
        gate: tr.getAttribute('data-gate') ?? '', outcome: tr.getAttribute('data-outcome') ?? '',
        result: tr.querySelector('td.result')?.textContent ?? '', evidence: tr.querySelector('td.evidence')?.textContent ?? '',
      })),
    })));
    const decisions = await page.$$eval('table.decisions tr.decision', (rs) => rs.length);
    const windows = await page.$$eval('ul.bands li', (ls) => ls.map((li) => li.getAttribute('data-band') ?? ''));
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svgs = f.querySelectorAll('svg');
      const svg = svgs[0];
      return {
        id: f.getAttribute('data-chart') ?? '',
        svgs: svgs.length,
        lines: Number(f.getAttribute('data-lines')),
        // ECharts draws each series' line as a path inside its clipped plot area.
        marks: svg ? [...svg.querySelectorAll('g[clip-path] path')].filter((p) => (p.getAttribute('d') ?? '').length > 20).length : 0,
        // The upgrade, soak and rollback windows: the shaded areas of the band series (series 0).
        bands: svg ? svg.querySelectorAll('polygon[ecmeta_series_index="0"]').length : 0,
      };
    }));
    const seen = { phase, stages, rollback: rollbacks[0] ?? null, decisions, windows, charts };
    const png = html.replace(/\.html$/, '.png');
    await page.screenshot({ path: png as `${string}.png`, fullPage: true });
    return { ...seen, problems, png };
  } finally {
    await page.close();
  }
}

/**
 * What is wrong with the page of the recorded rolled-back rollout: one line per problem, none when
 * it is right. The expectations are the fixture's, written down here, not read back from the state.
 */
function problemsWithRolledBackPage(seen: PageSeen): string[] {
  const out: string[] = [...seen.problems];
  const want = (ok: boolean, what: string): void => { if (!ok) out.push(what); };
  want(seen.phase === 'rolled-back', `header phase is rolled-back, not "${seen.phase}"`);
  want(seen.stages.map((s) => `${s.name} ${s.phase}`).join(', ') === 'canary rolled-back, region rolled-back, global pending',
    `stages: canary rolled-back, region rolled-back, global pending; got ${seen.stages.map((s) => `${s.name} ${s.phase}`).join(', ')}`);
  const [canary, region, global] = seen.stages;
  // The canary: its two thresholds and the comparison, all passed; the comparison's table and charts.
  want(canary?.gates.map((g) => `${g.gate} ${g.result}`).join(', ') === 'recovery.noneStuck PASS, statsz.maxPerServerPerSecond PASS, compare PASS',
    `canary gates all PASS: ${JSON.stringify(canary?.gates.map((g) => `${g.gate} ${g.result}`))}`);
  want(canary?.metrics.map((m) => m.split(' ')[0]).join(',') === 'statsz.rate,rss,cpu', `canary comparison rows statsz.rate, rss, cpu: ${JSON.stringify(canary?.metrics)}`);
  want(canary?.charts.join(',') === 'stage-1-canary-statsz-rate,stage-1-canary-rss,stage-1-canary-cpu', `canary-vs-baseline charts: ${JSON.stringify(canary?.charts)}`);
  // The region stage: the RSS gate failed, shown FAIL with its evidence; the STATSZ gate passed.
  const rss = region?.gates.find((g) => g.gate === 'memory.maxRssMiB');
  want(rss?.result === 'FAIL' && rss.outcome === 'fail', `memory.maxRssMiB shows FAIL: ${JSON.stringify(rss)}`);
  want(/^\S+ RSS [\d.]+ MiB at /.test(rss?.evidence ?? ''), `memory.maxRssMiB shows its evidence: ${JSON.stringify(rss?.evidence)}`);
  want(region?.gates.find((g) => g.gate === 'statsz.maxPerServerPerSecond')?.result === 'PASS', 'region statsz.maxPerServerPerSecond PASS');
  want(global?.gates.length === 0, `the global stage judged nothing: ${JSON.stringify(global?.gates)}`);
  // The rollback: every moved server back, its gates passed.
  want(seen.rollback !== null, 'a rollback section');
  want(seen.rollback?.status === 'done' && seen.rollback.moves === 2, `rollback done, 2 moves back: ${JSON.stringify(seen.rollback)}`);
  want((seen.rollback?.gates.length ?? 0) > 0 && seen.rollback!.gates.every((g) => g.result === 'PASS'), `rollback gates PASS: ${JSON.stringify(seen.rollback?.gates)}`);
  // Two upgrades (canary, region's first batch), the canary's baseline peer's restart, two soaks, two
  // moves back: seven windows, on every rollout chart.
  want(seen.windows.join(',') === 'U1,B1,S1,U2,S2,R1,R2', `windows U1,B1,S1,U2,S2,R1,R2: ${seen.windows.join(',')}`);
  const whole = seen.charts.filter((c) => !c.id.startsWith('stage-'));
  want(whole.map((c) => c.id).join(',') === ['rollout-timeline', ...CHART_IDS].join(','), `the rollout's charts: ${whole.map((c) => c.id).join(',')}`);
  for (const c of seen.charts) {
    want(c.svgs === 1, `${c.id}: one SVG`);
    const empty = c.lines === 0;
    want(empty || c.marks > 0, `${c.id}: data marks in the SVG`);
    if (!c.id.startsWith('stage-')) want(c.bands === 7, `${c.id}: 7 windows shaded, not ${c.bands}`);
  }
  for (const id of ['rollout-timeline', 'links-up', 'statsz', 'rss']) want((whole.find((c) => c.id === id)?.lines ?? 0) > 0, `${id} has lines`);
  for (const c of seen.charts.filter((x) => x.id.startsWith('stage-'))) want(c.lines === 2, `${c.id}: canary and baseline lines, not ${c.lines}`);
  want(seen.decisions === 0, `no decision (nothing paused), not ${seen.decisions}`);
  return out;
}

describe('rollout report.html in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => { await browser?.close(); });

  it('rollout-report-html - a rolled-back rollout: stages, gates with outcomes, FAIL with evidence, comparison, rollback, charts with every window; console clean', async () => {
    const file = render('rolled-back', fixtureState());
    assert.ok(statSync(file).size < 2 * 2 ** 20, `${file} is under 2 MB (${statSync(file).size} bytes)`);
    for (const f of ['summary.md', 'junit.xml']) assert.ok(existsSync(path.join(path.dirname(file), f)), `${f} written beside it`);
    const seen = await open(browser!, file);
    assert.deepEqual(problemsWithRolledBackPage(seen), []);
    assert.ok(statSync(seen.png).size > 20_000, `${seen.png} is a real screenshot`);
  });

  it('rollout-report-html - the check fails on a broken fixture: no rollback, the failed gate passed, an upgrade never recorded', async () => {
    const s = fixtureState();
    delete s.rollback;
    s.phase = 'succeeded';
    for (const g of s.stages[1]!.gates) g.outcome = 'pass';
    s.stages[1]!.servers[0]!.startedAt = undefined;
    const problems = problemsWithRolledBackPage(await open(browser!, render('broken', s)));
    for (const p of [/^header phase is rolled-back, not "succeeded"/, /^memory\.maxRssMiB shows FAIL/, /^a rollback section$/, /^windows U1,B1,S1,U2,S2,R1,R2: U1,B1,S1,S2$/, /^rollout-timeline: 7 windows shaded, not 4$/, /^links-up: 7 windows shaded, not 4$/]) {
      assert.ok(problems.some((x) => p.test(x)), `${p} among:\n${problems.join('\n')}`);
    }
  });

  it('rollout-report-html - the check fails on a broken page: a console error, a network request, no stage', async () => {
    const dir = path.join(OUT, 'broken-page');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'report.html');
    writeFileSync(file, '<!doctype html><html><body><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script></body></html>');
    const problems = problemsWithRolledBackPage(await open(browser!, file));
    for (const p of ['console error: boom', 'a rollback section']) assert.ok(problems.includes(p), `${p} among:\n${problems.join('\n')}`);
    assert.ok(problems.some((x) => x.startsWith('network request: http://127.0.0.1:9/')), problems.join('\n'));
  });
});
