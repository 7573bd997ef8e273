// The verdict as a terminal table: threshold, role, bound, observed, result; then which detector
// or guard failed. No colour codes.
import Table from 'cli-table3';
import { statusWord, type Verdict } from '../verdict/result.ts';

export function renderVerdictTable(verdict: Verdict): string {
  const table = new Table({ head: ['threshold', 'role', 'bound', 'observed', 'result'], style: { head: [], border: [] } });
  for (const r of verdict.results) table.push([r.name, r.role, r.bound, r.observed, statusWord(r.status)]);
  if (verdict.results.length === 0) table.push([{ colSpan: 5, content: 'no thresholds checked' }]);
  const lines = [table.toString(), ...verdictLines(verdict)];
  if (verdict.incomplete) lines.push('INCOMPLETE: the run ended before its end record; the verdict covers only what was observed');
  return lines.join('\n');
}

/** What failed, by role: the scenario's detectors (what it caught) first, then the guards. */
export function verdictLines(verdict: Pick<Verdict, 'detectorsFailed' | 'guardsFailed'>): string[] {
  const out: string[] = [];
  if (verdict.detectorsFailed.length > 0) out.push(`caught by detector: ${verdict.detectorsFailed.join(', ')}`);
  if (verdict.guardsFailed.length > 0) out.push(`guard failed (not what this scenario exists to catch): ${verdict.guardsFailed.join(', ')}`);
  return out;
}

/** The evidence of every failed threshold, for the terminal under the table. */
export function renderFailures(verdict: Verdict): string {
  return verdict.results.filter((r) => !r.pass)
    .map((r) => [`${r.name} (${r.role}): observed ${r.observed}, bound ${r.bound}`, ...r.evidence.map((e) => `  - ${e}`)].join('\n'))
    .join('\n');
}
