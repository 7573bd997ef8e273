// The cells the detection bench runs (the matrix of test/support/detection-matrix.ts), how a cell is
// named on the command line and in the log (`packet-loss/stock`), and what a threshold's failure
// means in a cell. Pure.
import { BadInputError } from '../core/errors.ts';
import { MATRIX as GATE_MATRIX, ROUTE_MATRIX, cellName, judgeCell, variantOf, type Cell } from '../test/support/detection-matrix.ts';

/** Every cell the bench runs: the release gate's matrix, then the route detectors' cells. */
export const MATRIX: readonly Cell[] = [...GATE_MATRIX, ...ROUTE_MATRIX];

export { cellName, judgeCell, variantOf, type Cell };

/** Runs per cell and backend the bench aims for. */
export const SEEDS_PER_CELL = 20;

/** `packet-loss/stock`: the name a user gives and the log keeps. */
export const cellKey = (c: Pick<Cell, 'scenario' | 'build'>): string => `${c.scenario}/${c.build}`;

/** What a threshold's failure means in a cell: the cell's own catch, collateral, a tolerated guard, or a false alarm. */
export type Reading = 'caught' | 'beside' | 'tolerated' | 'false positive';

export function readingOf(c: Cell, name: string, role: 'detector' | 'guard'): Reading {
  if (c.expect === 'detected') return role === 'detector' && c.detectors.includes(name) ? 'caught' : 'beside';
  const o = judgeCell(c, { results: [], detectorsFailed: role === 'detector' ? [name] : [], guardsFailed: role === 'guard' ? [name] : [] });
  return o.falsePositive ? 'false positive' : 'tolerated';
}

/** Cells named as `scenario/build`, comma separated, in matrix order; every cell when none named. */
export function selectCells(spec: string | undefined, source = 'BROWNOUT_BENCH_CELLS'): Cell[] {
  if (!spec) return [...MATRIX];
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !MATRIX.some((c) => cellKey(c) === w));
  if (unknown.length) {
    throw new BadInputError(`${source} names unknown cells`, { problems: unknown.map((u) => `${source}: ${u}; allowed: ${MATRIX.map(cellKey).join(', ')}`) });
  }
  return MATRIX.filter((c) => wanted.includes(cellKey(c)));
}
