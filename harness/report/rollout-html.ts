// report.html for a rollout (runs/<rollout id>/report.html): the header (playbook, baseline →
// target, outcome, message, cluster), the rollout's timeline with every server's upgrade, every
// soak and the rollback shaded, the chaos report's charts over the whole rollout, then per stage
// its upgrades, its gates, its canary comparison with the canary-vs-baseline charts; the rollback;
// the decisions. Inline SVG rendered here: no script, no external file, no network when opened.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RolloutState, StageState } from '../rollout-model/index.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { BASE_CSS, esc, figure } from './html-page.ts';
import { reportCharts, type ChartSpec } from './report-charts.ts';
import { canaryCharts } from './rollout-html-canary.ts';
import { bandList, comparisonTableHtml, decisionTable, gateTableHtml, upgradeTableHtml } from './rollout-html-tables.ts';
import { rolloutBands, rolloutClock, rolloutRunSeries, timelineChart } from './rollout-html-timeline.ts';

const CSS = `${BASE_CSS}h3{font-size:15px;margin:12px 0 4px}table.verdict{margin:6px 0}
td.result{font-weight:600}td.evidence{font-size:13px;word-break:break-word}
tr.fail td.result,tr.inconclusive td.result,span.fail,span.inconclusive{color:#b00020}tr.pass td.result,span.pass{color:#006b3c}tr.no-data td.result{color:#666}
.outcome-succeeded{color:#006b3c}.outcome-rolled-back,.outcome-rollback-failed,.outcome-error{color:#b00020}.outcome-paused,.outcome-progressing,.outcome-rolling-back,.outcome-pending{color:#8a5a00}
figure.chart.small svg{max-width:80%}
ul.bands{padding-left:0;list-style:none;columns:2}
section.stage{border-left:3px solid #ddd;padding-left:12px;margin-top:20px}section.stage.failed,section.stage.rolled-back{border-left-color:#b00020}section.stage.passed{border-left-color:#006b3c}
`;

function stageSection(st: StageState, i: number, records: readonly TimelineRecord[]): string {
  const soak = st.soakStartedAt ? `soak ${esc(st.soakStartedAt)} → ${esc(st.soakEndedAt ?? '–')}` : 'no soak yet';
  const peer = st.baselinePeer ? `; baseline peer ${esc(st.baselinePeer)}${st.baselinePeerRestartedAt ? ` restarted ${esc(st.baselinePeerRestartedAt)}` : ''}` : '';
  const attempts = (st.attempts ?? 1) > 1 ? `; attempt ${st.attempts}` : '';
  const batches = st.batches.map((b) => b.join(' + ')).join(', then ');
  const comparisons = st.gates.filter((g) => g.comparison).map((g) => {
    const charts = canaryCharts(st, i, g, records);
    return `<div class="comparison"><h3>Canary comparison</h3>${comparisonTableHtml(g.comparison!)}${charts.map((c) => figure(c, true)).join('\n')}</div>`;
  });
  return `<section class="stage ${esc(st.phase)}" id="stage-${i + 1}" data-stage="${esc(st.name)}" data-phase="${esc(st.phase)}">`
    + `<h2>Stage ${i + 1}: ${esc(st.name)} (${esc(st.kind)}): <span class="${st.phase === 'passed' || st.phase === 'promoted' ? 'pass' : st.phase === 'failed' || st.phase === 'rolled-back' ? 'fail' : ''}">${esc(st.phase.toUpperCase())}</span></h2>`
    + `<p class="meta">Started ${esc(st.startedAt ?? '–')}; ${soak}${attempts}${peer}. Batches: ${esc(batches || '–')}.</p>`
    + `<h3>Upgrades</h3>${upgradeTableHtml(st.servers)}`
    + `<h3>Gates</h3>${gateTableHtml(st.gates)}`
    + comparisons.join('')
    + '</section>';
}

function rollbackSection(s: RolloutState): string {
  const r = s.rollback;
  if (!r) return '';
  const status = s.phase === 'rollback-failed' ? 'FAILED' : r.endedAt ? 'done' : 'in progress';
  return `<section id="rollback" data-status="${status}"><h2>Rollback: <span class="${status === 'done' ? '' : 'fail'}">${status}</span></h2>`
    + `<p class="meta">Started ${esc(r.startedAt)}, ended ${esc(r.endedAt ?? '–')}; every server back to ${esc(s.baseline)}, newest first.</p>`
    + `<h3>Moves back</h3>${upgradeTableHtml(r.servers)}<h3>Gates after the rollback</h3>${gateTableHtml(r.gates)}</section>`;
}

/** The whole page for one rollout: state and its timeline's records in, a string out. */
export function renderRolloutHtml(s: RolloutState, records: readonly TimelineRecord[]): string {
  const clock = rolloutClock(s, records);
  const bands = rolloutBands(s, clock);
  const charts = [timelineChart(s, records, clock, bands), ...reportCharts([{ label: s.target, series: rolloutRunSeries(records, clock) }], bands)];
  const title = `Rollout ${s.playbook.name}: ${s.phase.toUpperCase()}`;
  const cluster = `${s.cluster.runId ?? '–'} (${s.cluster.backend ?? '?'} backend, ${s.cluster.owned ? 'booted for this rollout' : 'attached'})`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<header id="rollout" data-phase="${esc(s.phase)}"><h1>Rollout ${esc(s.playbook.name)}: <span class="outcome-${esc(s.phase)}">${esc(s.phase.toUpperCase())}</span></h1>`,
    `<p class="meta"><strong>${esc(s.baseline)} → ${esc(s.target)}</strong>; playbook ${esc(s.source)}; seed ${s.seed}; id ${esc(s.id)}</p>`,
    `<p class="meta message">${esc(s.message)}</p>`,
    `<p class="meta">Cluster ${esc(cluster)}; ${esc(s.createdAt)} → ${esc(s.updatedAt)} (${clock.x(clock.end).toFixed(0)} s); ${s.stages.length} stage(s): ${s.stages.map((st) => `${esc(st.name)} ${esc(st.phase)}`).join(', ')}.</p></header>`,
    `<section id="windows"><h2>Upgrade and soak windows</h2>${bandList(bands, s.createdAt)}</section>`,
    `<section id="charts"><h2>Over the whole rollout</h2>${charts.map((c) => figure(c)).join('\n')}</section>`,
    ...s.stages.map((st, i) => stageSection(st, i, records)),
    rollbackSection(s),
    `<section id="decisions"><h2>Decisions</h2>${decisionTable(s.decisions)}</section>`,
    `<footer>brownout rollout report, written ${esc(new Date().toISOString())}. Self-contained: opens without a network.</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** `<runDir>/report.html` for a rollout; returns the file written. */
export function writeRolloutHtml(s: RolloutState, records: readonly TimelineRecord[]): string {
  const file = path.join(s.runDir, 'report.html');
  writeFileSync(file, renderRolloutHtml(s, records));
  return file;
}
