// bench/results/detection.md from the whole results log: per cell and backend, how many of the 20
// seeds are done, how many came out as expected, which detector caught the bug (and what it saw),
// and every run that did not come out as expected, with its run id. Runs are judged again by
// today's matrix (a record keeps what failed, not only the outcome of its day). Pure.
import { BACKENDS, expectedText, latestRecords, verdictOf, type Backend, type RunRecord } from './detection-log.ts';
import { MATRIX, SEEDS_PER_CELL, cellKey, judgeCell, readingOf, variantOf, type Cell } from './detection-cells.ts';

export const SUMMARY_TITLE = 'Detection matrix over seeds';

/** Goal: at least 19 of 20 as expected in every cell, and no false failure on the patched build. */
export const GOAL_AS_EXPECTED = SEEDS_PER_CELL - 1;

export type GoalState = 'met' | 'missed' | 'open';

export interface CellSummary {
  cell: Cell;
  backend: Backend;
  runs: RunRecord[];
  asExpected: RunRecord[];
  falseNegatives: RunRecord[];
  falsePositives: RunRecord[];
  incomplete: RunRecord[];
  goal: GoalState;
}

/** Pure: the goal as far as the runs done can tell. */
export function goalOf(c: Cell, n: number, asExpected: number, falsePositives: number): GoalState {
  if (c.build === 'patched' && falsePositives > 0) return 'missed';
  if (n - asExpected > SEEDS_PER_CELL - GOAL_AS_EXPECTED) return 'missed';
  return n >= SEEDS_PER_CELL && asExpected >= GOAL_AS_EXPECTED ? 'met' : 'open';
}

export function summarizeCell(c: Cell, backend: Backend, all: readonly RunRecord[]): CellSummary {
  const runs = all.filter((r) => r.cell === cellKey(c) && r.backend === backend).sort((a, b) => a.seed - b.seed);
  const judged = runs.map((r) => ({ r, o: judgeCell(c, verdictOf(r), r.incomplete) }));
  const pick = (f: (o: (typeof judged)[number]['o'], r: RunRecord) => boolean) => judged.filter(({ o, r }) => f(o, r)).map(({ r }) => r);
  const asExpected = pick((o) => o.asExpected);
  const falsePositives = pick((o) => o.falsePositive);
  return {
    cell: c, backend, runs, asExpected, falsePositives,
    falseNegatives: pick((o) => o.falseNegative),
    incomplete: pick((_, r) => r.incomplete),
    goal: goalOf(c, runs.length, asExpected.length, falsePositives.length),
  };
}

const failedOf = (r: RunRecord) => r.failed.filter((t) => t.status === 'fail');
const withCounts = (xs: string[]) => [...new Map(xs.map((x) => [x, xs.filter((y) => y === x).length]))].map(([x, k]) => (k > 1 ? `${x} ×${k}` : x));

/** `recovery.noneStuck 5/5 (2 links ×4, 1 link)`: each detector of the cell and what it saw when it failed. */
export function caughtText(s: CellSummary): string {
  if (s.cell.expect !== 'detected') return '-';
  if (!s.runs.length) return '-';
  return s.cell.detectors.map((d) => {
    const seen = s.runs.flatMap((r) => failedOf(r).filter((t) => t.name === d).map((t) => t.observed));
    const shown = withCounts(seen);
    return `${d} ${seen.length}/${s.runs.length}${shown.length ? ` (${shown.slice(0, 4).join(', ')}${shown.length > 4 ? ', …' : ''})` : ''}`;
  }).join('; ');
}

/** `seed 3 (run R): guard probe.maxGapSeconds=12.0 s`: one run that did not come out as expected. */
export function missText(r: RunRecord): string {
  const failed = failedOf(r).map((t) => `${t.role} ${t.name}=${t.observed}`);
  const what = r.incomplete ? `incomplete${r.error ? ` (${r.error})` : ''}` : failed.length ? failed.join(', ') : 'every threshold passed';
  return `seed ${r.seed} (run ${r.runId}): ${what}`;
}

const list = (rs: RunRecord[]) => (rs.length ? rs.map(missText).join('<br>') : '-');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0;
}

export interface SummaryInput {
  records: readonly RunRecord[];
  /** Lines of the log that did not parse (a run cut off mid-write). */
  badLines?: readonly number[];
  /** Where the raw data is, as the page names it. */
  logName?: string;
}

/** Pure: the page body (scripts/bench.ts adds the title and the stamp). */
export function renderSummary(input: SummaryInput): string {
  const records = latestRecords(input.records).filter((r) => MATRIX.some((c) => cellKey(c) === r.cell) && r.seed >= 1 && r.seed <= SEEDS_PER_CELL);
  // Every cell runs on both backends (route-flap on docker since route-reset enters the containers'
  // namespaces), except those that name theirs (route-dns: docker only).
  const cellsOn = (b: Backend) => MATRIX.filter((c) => !c.backends || c.backends.includes(b));
  const perBackendOf = (b: Backend) => SEEDS_PER_CELL * cellsOn(b).length;
  const total = BACKENDS.reduce((n, b) => n + perBackendOf(b), 0);
  const cells = BACKENDS.flatMap((b) => cellsOn(b).map((c) => summarizeCell(c, b, records)));
  const done = (b: Backend) => records.filter((r) => r.backend === b).length;
  const commits = [...new Set(records.map((r) => r.commit))];
  const dates = records.map((r) => r.date).sort();
  const goals = (g: GoalState) => cells.filter((s) => s.goal === g).length;
  const complete = records.filter((r) => !r.incomplete);
  const took = [...new Set(complete.map((r) => r.scenario))].sort()
    .map((sc) => `${sc} ${median(complete.filter((r) => r.scenario === sc).map((r) => r.seconds)).toFixed(0)} s`).join(', ');
  const head = [
    `**${records.length} of the ${total} runs done** (${BACKENDS.map((b) => `${b} ${done(b)}/${perBackendOf(b)}`).join(', ')}): ${BACKENDS.map((b) => `${cellsOn(b).length} cells on ${b}`).join(', ')}, × ${SEEDS_PER_CELL} seeds.`,
    records.length
      ? `Runs from ${dates[0]} to ${dates[dates.length - 1]}, commit${commits.length > 1 ? 's' : ''} ${commits.join(', ')}; a run takes (median, lock wait excluded) ${took || '-'}.`
      : 'No run is done yet.',
    `Goal per cell and backend: at least ${GOAL_AS_EXPECTED}/${SEEDS_PER_CELL} as expected, and no false failure on the patched build: met ${goals('met')}, missed ${goals('missed')}, open ${goals('open')} (of ${cells.length}).`,
    `Raw data: ${input.logName ?? 'detection-runs.ndjson'} (one line per run; the bench skips what it holds and resumes).`,
    ...(input.badLines?.length ? [`Left out: log line(s) ${input.badLines.join(', ')} did not parse.`] : []),
  ];
  const row = (s: CellSummary) => [
    s.backend, cellKey(s.cell), variantOf(s.cell.build), expectedText(s.cell), `${s.runs.length}/${SEEDS_PER_CELL}`,
    s.runs.length ? `${s.asExpected.length}/${s.runs.length}` : '-', s.goal, caughtText(s), list(s.falseNegatives), list(s.falsePositives),
    list(s.incomplete.filter((r) => !s.falseNegatives.includes(r) && !s.falsePositives.includes(r))),
  ];
  const thresholdRows = cells.flatMap((s) => {
    const names = [...new Set(s.runs.flatMap((r) => r.failed.map((t) => `${t.role} ${t.name}`)))].sort();
    return names.map((rn) => {
      const [role, name] = rn.split(' ') as ['detector' | 'guard', string];
      const of = (status: string) => s.runs.filter((r) => r.failed.some((t) => t.name === name && t.status === status));
      const failed = of('fail');
      return [s.backend, cellKey(s.cell), name, role, `${failed.length}/${s.runs.length}`, `${of('n/a').length}/${s.runs.length}`,
        failed.length ? readingOf(s.cell, name, role) : '-', failed.length ? failed.map((r) => r.seed).join(', ') : '-'];
    });
  });
  // A `|` inside a cell (`fail(a|b)`) would end the cell: escape it.
  const table = (header: string[], rows: string[][]) => [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`)];
  return [
    ...head.map((l) => `${l}  `),
    '',
    'A cell is detected only when one of its own detectors failed. False negative: a build with the bug whose detectors all',
    'passed. False positive: a build without the bug that failed a detector, or a guard that is not the other bug it keeps',
    '(gateway-only keeps the STATSZ storm, so a STATSZ guard may fail on packet-loss). Goal: met, missed (more than one run',
    'not as expected, or a false failure on patched), or open (fewer than 20 runs and not yet missed).',
    '',
    ...table(['backend', 'cell', 'variant', 'expected', 'done', 'as expected', 'goal', 'caught by (observed)', 'false negatives', 'false positives', 'other incomplete'], cells.map(row)),
    '',
    '## Per threshold',
    '',
    'Every threshold that failed or had nothing to judge (n/a) in a cell. caught: the cell\'s own detector (wanted). beside:',
    'another failure on a build with the bug. tolerated: a guard of the other bug the build keeps. false positive: a failure on',
    'a build that should pass.',
    '',
    ...(thresholdRows.length ? table(['backend', 'cell', 'threshold', 'role', 'failed', 'n/a', 'a failure reads as', 'failed seeds'], thresholdRows) : ['No threshold failed yet.']),
  ].join('\n');
}
