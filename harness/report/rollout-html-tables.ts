// The HTML tables of a rollout's report.html: a stage's upgrades, its gates (the verdict), its
// canary comparison per metric, the rollback, the decisions. Pure: state in, HTML strings out.
import { gateOutcomeOf, type CanaryComparison, type Decision, type GateResult, type ServerUpgrade } from '../rollout-model/index.ts';
import type { Band } from './run-series.ts';
import { esc } from './html-page.ts';


const secs = (ms: number): string => (ms ? `${(ms / 1000).toFixed(1)} s` : '–');
const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(3));

function table(cls: string, head: readonly string[], rows: readonly string[], empty: string): string {
  const body = rows.length > 0 ? rows.join('') : `<tr><td colspan="${head.length}">${esc(empty)}</td></tr>`;
  return `<table class="verdict ${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

/** One row per gate: gate, outcome (PASS, FAIL, INCONCLUSIVE, NO-DATA), observed, bound, evidence. */
export function gateTableHtml(gates: readonly GateResult[]): string {
  const rows = gates.map((g) => `<tr class="gate ${g.outcome}" data-gate="${esc(g.gate)}" data-outcome="${g.outcome}"><td><code>${esc(g.gate)}</code></td>`
    + `<td class="result">${esc(g.outcome.toUpperCase())}</td><td>${esc(g.observed)}</td><td>${esc(g.bound)}</td><td class="evidence">${esc(g.evidence)}</td></tr>`);
  return table('gates', ['gate', 'outcome', 'observed', 'bound', 'evidence'], rows, 'no gate judged');
}

/** One row per server: move, step, and its parts' wall times. */
export function upgradeTableHtml(ups: readonly ServerUpgrade[]): string {
  const rows = ups.map((u) => `<tr class="upgrade ${u.step === 'failed' ? 'fail' : ''}" data-server="${esc(u.server)}"><td>${esc(u.server)}</td><td>${esc(u.region)}</td>`
    + `<td>${esc(u.from)} → ${esc(u.to)}</td><td>${esc(u.step)}</td><td>${secs(u.lameDuckMs)}</td><td>${secs(u.startMs)}</td><td>${secs(u.meshMs)}</td><td>${esc(u.message ?? '')}</td></tr>`);
  return table('upgrades', ['server', 'region', 'move', 'step', 'lame duck', 'stop + start', 'mesh', 'note'], rows, 'no server');
}

/** The comparison's header line and one row per metric: class, harmful, samples, p, shift [interval]. */
export function comparisonTableHtml(c: CanaryComparison): string {
  const outcomeCls = gateOutcomeOf(c.outcome);
  const head = `<p class="comparison-outcome">Canary <strong>${esc(c.canary)}</strong> vs baseline <strong>${esc(c.baseline)}</strong>: `
    + `<span class="${outcomeCls}">${esc(c.outcome)}</span>, score ${c.score === undefined ? 'none' : c.score.toFixed(1)} (pass ≥ ${c.passBound}, marginal ≥ ${c.marginalBound}). ${esc(c.reason)}</p>`;
  const rows = c.metrics.map((m) => {
    const none = m.class === 'no-data';
    const cls = m.harmful ? 'fail' : m.class === 'pass' ? 'pass' : '';
    return `<tr class="metric ${cls}" data-metric="${esc(m.name)}" data-class="${m.class}"><td><code>${esc(m.name)}</code></td><td class="result">${esc(m.class)}</td><td>${m.harmful ? 'yes' : 'no'}</td>`
      + `<td>${m.canarySamples} / ${m.baselineSamples}</td><td>${none ? '–' : num(m.pValue)}</td>`
      + `<td>${none ? '–' : `${num(m.shift)} [${num(m.shiftLower)}, ${num(m.shiftUpper)}]`}</td><td>${esc(m.reason)}</td></tr>`;
  });
  return head + table('comparison', ['metric', 'class', 'harmful', 'samples canary / baseline', 'Mann-Whitney p', 'Hodges-Lehmann shift [CI]', 'reason'], rows, 'no metric compared');
}

/** Who decided what, when, at which stage. */
export function decisionTable(ds: readonly Decision[]): string {
  const rows = ds.map((d) => `<tr class="decision" data-action="${d.action}"><td>${esc(d.at)}</td><td>${esc(d.action)}</td><td>${d.stage + 1}</td><td>${esc(d.reason)}</td></tr>`);
  return table('decisions', ['at', 'action', 'stage', 'reason'], rows, 'no decision');
}

/** The bands the charts shade, keyed as they are on the charts. */
export function bandList(bands: readonly Band[], start: string): string {
  if (bands.length === 0) return '<p>Nothing was upgraded.</p>';
  return `<p class="meta">Seconds since the rollout was created (${esc(start)}); shaded on the rollout's charts.</p>`
    + `<ul class="bands">${bands.map((b) => `<li data-band="${esc(b.key ?? '')}"><span class="swatch ${b.kind}"></span><strong>${esc(b.key ?? '')}</strong> ${esc(b.label)}: ${b.from.toFixed(1)} s to ${b.to.toFixed(1)} s</li>`).join('')}</ul>`;
}
