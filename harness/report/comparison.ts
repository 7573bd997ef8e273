// Two variants' verdicts side by side (`--compare stock,patched`), with the ratio b/a of each
// observed value where both are numbers.
import Table from 'cli-table3';
import { runWord, statusWord, type Verdict } from '../verdict/result.ts';

export interface ComparedVerdict { variant: string; verdict: Verdict }

export interface ComparisonRow {
  name: string;
  bound: string;
  a: string;
  b: string;
  /** b / a; Infinity when only a is 0; null when either side has no number. */
  ratio: number | null;
}

export function ratioOf(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a === 0) return b === 0 ? 1 : Infinity;
  return b / a;
}

export function formatRatio(r: number | null): string {
  if (r === null) return '-';
  if (r === Infinity) return '∞';
  return `×${r < 10 ? r.toFixed(2) : r.toFixed(1)}`;
}

/** One row per threshold either side checked, in a's order then b's extras. */
export function comparisonRows(a: ComparedVerdict, b: ComparedVerdict): ComparisonRow[] {
  const names = [...new Set([...a.verdict.results, ...b.verdict.results].map((r) => r.name))];
  return names.map((name) => {
    const x = a.verdict.results.find((r) => r.name === name);
    const y = b.verdict.results.find((r) => r.name === name);
    const cell = (r: typeof x): string => (r ? `${r.observed} ${statusWord(r.status)}` : 'not checked');
    const bound = x && y && x.bound !== y.bound ? `${x.bound} | ${y.bound}` : (x ?? y)!.bound;
    return { name, bound, a: cell(x), b: cell(y), ratio: ratioOf(x?.observedValue, y?.observedValue) };
  });
}

export function renderComparison(a: ComparedVerdict, b: ComparedVerdict): string {
  const table = new Table({ head: ['threshold', 'bound', a.variant, b.variant, `${b.variant} / ${a.variant}`], style: { head: [], border: [] } });
  for (const r of comparisonRows(a, b)) table.push([r.name, r.bound, r.a, r.b, formatRatio(r.ratio)]);
  table.push(['verdict', '', runWord(a.verdict), runWord(b.verdict), '']);
  return table.toString();
}
