// The verdict as a terminal table: threshold, bound, observed, result. No colour codes.
import Table from 'cli-table3';
import type { Verdict } from '../verdict/result.ts';

export function renderVerdictTable(verdict: Verdict): string {
  const table = new Table({ head: ['threshold', 'bound', 'observed', 'result'], style: { head: [], border: [] } });
  for (const r of verdict.results) table.push([r.name, r.bound, r.observed, r.pass ? 'PASS' : 'FAIL']);
  if (verdict.results.length === 0) table.push([{ colSpan: 4, content: 'no thresholds checked' }]);
  const lines = [table.toString()];
  if (verdict.incomplete) lines.push('INCOMPLETE: the run ended before its end record; the verdict covers only what was observed');
  return lines.join('\n');
}

/** The evidence of every failed threshold, for the terminal under the table. */
export function renderFailures(verdict: Verdict): string {
  return verdict.results.filter((r) => !r.pass)
    .map((r) => [`${r.name}: observed ${r.observed}, bound ${r.bound}`, ...r.evidence.map((e) => `  - ${e}`)].join('\n'))
    .join('\n');
}
