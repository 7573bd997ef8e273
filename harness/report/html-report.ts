// report.html: one self-contained page per run (or per `--compare` pair): the verdict table, the
// fault windows, then the charts as inline SVG rendered here. No script, no external file, no
// network when it is opened. Pure: records and summaries in, a string out.
import type { TimelineRecord } from '../timeline/records.ts';
import { comparisonRows, formatRatio } from './comparison.ts';
import { BASE_CSS, esc, figure } from './html-page.ts';
import { reportCharts, type ChartSpec } from './report-charts.ts';
import { outcomeOf, type RunSummary } from './run-summary.ts';
import { verdictLines } from './verdict-table.ts';
import { statusWord } from '../verdict/result.ts';
import { runSeries, type Band } from './run-series.ts';

export interface HtmlRun { summary: RunSummary; records: readonly TimelineRecord[] }

/**
 * Extension point: a section placed between the verdict and the charts, with bands shaded on
 * every chart. A rollout report passes its stages here (bands of kind `stage`) and an HTML table
 * of which server ran which variant when (from the `server` and `run` records and rollout.json).
 */
export interface ReportSection { id: string; title: string; html: string; bands?: Band[] }

export interface HtmlReportInput {
  /** One run, or two overlaid (baseline first, candidate second). */
  runs: readonly [HtmlRun] | readonly [HtmlRun, HtmlRun];
  sections?: readonly ReportSection[];
}


type Result = RunSummary['verdict']['results'][number];

function evidence(r: Result): string {
  if (r.evidence.length === 0) return '';
  return `<details${r.status === 'fail' ? ' open' : ''}><summary>${r.evidence.length} line(s)</summary><ul>${r.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></details>`;
}

function verdictTable(s: RunSummary): string {
  const head = ['threshold', 'role', 'bound', 'observed', 'result', 'evidence'];
  const rows = s.verdict.results.map((r) => `<tr class="${r.status === 'n/a' ? 'na' : r.status}"><td><code>${esc(r.name)}</code></td><td>${esc(r.role)}</td>`
    + `<td>${esc(r.bound)}</td><td>${esc(r.observed)}</td><td class="result">${statusWord(r.status)}</td><td>${evidence(r)}</td></tr>`);
  if (rows.length === 0) rows.push(`<tr><td colspan="${head.length}">no thresholds checked</td></tr>`);
  const failed = verdictLines(s.verdict);
  return `${failed.map((l) => `<p class="roles">${esc(l)}</p>`).join('')}<table class="verdict"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function comparisonTable(a: RunSummary, b: RunSummary): string {
  const rows = comparisonRows({ variant: a.variant, verdict: a.verdict }, { variant: b.variant, verdict: b.verdict });
  const cls = (cell: string): string => (/\bFAIL$/.test(cell) ? 'fail' : /\bPASS$/.test(cell) ? 'pass' : '');
  const roleOf = (name: string): string => [...b.verdict.results, ...a.verdict.results].find((r) => r.name === name)?.role ?? '';
  const body = rows.map((r) => `<tr><td><code>${esc(r.name)}</code></td><td>${esc(roleOf(r.name))}</td><td>${esc(r.bound)}</td><td class="${cls(r.a)}">${esc(r.a)}</td>`
    + `<td class="${cls(r.b)}">${esc(r.b)}</td><td>${esc(formatRatio(r.ratio))}</td></tr>`);
  const outcome = (s: RunSummary): string => `<td class="${outcomeOf(s).toLowerCase()}"><strong>${outcomeOf(s)}</strong></td>`;
  body.push(`<tr><td><strong>verdict</strong></td><td></td><td></td>${outcome(a)}${outcome(b)}<td></td></tr>`);
  return `<table class="verdict"><thead><tr><th>threshold</th><th>role</th><th>bound</th><th>${esc(a.variant)}</th><th>${esc(b.variant)}</th><th>${esc(b.variant)} / ${esc(a.variant)}</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function faultList(bands: readonly Band[]): string {
  if (bands.length === 0) return '<p>No faults were applied.</p>';
  return `<ul class="faults">${bands.map((b) => `<li><span class="swatch ${b.kind}"></span>${b.key ? `<strong>${esc(b.key)}</strong> ` : ''}${esc(b.label)}: ${b.from.toFixed(1)} s to ${b.to.toFixed(1)} s</li>`).join('')}</ul>`;
}

const CSS = `${BASE_CSS}h3{font-size:15px;margin:0}
td.result,td.pass,td.fail,td.incomplete{font-weight:600}
tr.fail td.result,td.fail,td.incomplete{color:#b00020}tr.pass td.result,td.pass{color:#006b3c}tr.na td.result{color:#666}
details ul{margin:4px 0;padding-left:18px}summary{cursor:pointer;color:#555}
.outcome-PASS{color:#006b3c}.outcome-FAIL,.outcome-INCOMPLETE{color:#b00020}
ul.faults{padding-left:0;list-style:none}.legend-note{color:#555}
`;

const runLine = (s: RunSummary): string =>
  `${esc(s.variant)}: seed ${esc(String(s.seed))}, ${esc(s.startedAt)} to ${esc(s.endedAt)} (${s.durationSeconds.toFixed(0)} s)${s.incomplete ? ', <strong>incomplete</strong>: the run ended early' : ''}`;

export function renderHtmlReport(input: HtmlReportInput): string {
  const runs = input.runs;
  const summaries = runs.map((r) => r.summary);
  const last = summaries[summaries.length - 1]!;
  const labels = summaries.map((s, i) => (summaries.filter((o) => o.variant === s.variant).length > 1 ? `${s.variant} #${i + 1}` : s.variant));
  const series = runs.map((r) => runSeries(r.records));
  const sections = input.sections ?? [];
  const charts = reportCharts(series.map((s, i) => ({ label: labels[i]!, series: s })), sections.flatMap((x) => x.bands ?? []));
  const compare = summaries.length === 2;
  const title = compare
    ? `${last.scenario}: ${labels[0]} vs ${labels[1]}`
    : `${last.scenario} on ${last.variant}`;
  const heading = compare
    ? `${esc(last.scenario)}: ${summaries.map((s, i) => `${esc(labels[i]!)} <span class="outcome-${outcomeOf(s)}">${outcomeOf(s)}</span>`).join(' vs ')}`
    : `${esc(title)}: <span class="outcome-${outcomeOf(last)}">${outcomeOf(last)}</span>`;
  const verdict = compare
    ? `${comparisonTable(summaries[0]!, summaries[1]!)}${summaries.map((s, i) => `<details><summary>${esc(labels[i]!)}: every threshold with its evidence</summary>${verdictTable(s)}</details>`).join('')}`
    : verdictTable(last);
  const overlayNote = compare ? `<p class="legend-note">Overlaid: ${esc(labels[0]!)} dashed, ${esc(labels[1]!)} solid; x is seconds since each run started.</p>` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${heading}</h1>${summaries.map((s) => `<p class="meta">${runLine(s)}</p>`).join('')}</header>`,
    `<section id="verdict"><h2>Verdict</h2>${verdict}</section>`,
    `<section id="faults"><h2>Fault windows</h2><p class="meta">Shaded on every chart${compare ? ` (times of ${esc(labels[1]!)})` : ''}.</p>${faultList(series[series.length - 1]!.bands)}</section>`,
    ...sections.map((x) => `<section id="${esc(x.id)}"><h2>${esc(x.title)}</h2>${x.html}</section>`),
    `<section id="charts"><h2>Charts</h2>${overlayNote}${charts.map((c) => figure(c)).join('\n')}</section>`,
    `<footer>brownout report, written ${esc(new Date().toISOString())}. Self-contained: opens without a network.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}
