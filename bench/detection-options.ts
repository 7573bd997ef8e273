// What the detection bench is told, from the environment (npm run bench takes only bench names):
//   BROWNOUT_BENCH_BACKENDS  local,docker (default both, in that order: local runs first)
//   BROWNOUT_BENCH_CELLS     scenario/build,... (default every cell of the matrix)
//   BROWNOUT_BENCH_SEEDS     N for seeds 1..N, or A-B (default 1-20)
//   BROWNOUT_BENCH_BUDGET    time to spend: 90 (minutes), 45m, 2h, 300s; no new run starts once spent
//                            (0: no run at all, only detection.md written again from the log)
//   BROWNOUT_BENCH_LOCK      lock file taken around each run (default /tmp/brownout-cluster.lock; none: no lock)
// Pure: every problem is reported at once.
import { BadInputError } from '../core/errors.ts';
import { SEEDS_PER_CELL, selectCells, type Cell } from './detection-cells.ts';
import { BACKENDS, type Backend } from './detection-log.ts';

export const DEFAULT_LOCK = '/tmp/brownout-cluster.lock';

export interface BenchOptions {
  cells: Cell[];
  backends: Backend[];
  seeds: number[];
  /** Milliseconds; undefined: no limit. */
  budgetMs?: number;
  /** undefined: run without the machine lock. */
  lockFile?: string;
}

export type BenchEnv = Partial<Record<'BROWNOUT_BENCH_BACKENDS' | 'BROWNOUT_BENCH_CELLS' | 'BROWNOUT_BENCH_SEEDS' | 'BROWNOUT_BENCH_BUDGET' | 'BROWNOUT_BENCH_LOCK', string>>;

export function parseSeeds(spec: string | undefined): number[] | string {
  const s = (spec ?? `1-${SEEDS_PER_CELL}`).trim();
  const m = /^(?:(\d+)-)?(\d+)$/.exec(s);
  if (!m) return `BROWNOUT_BENCH_SEEDS: ${s}; allowed: N (seeds 1..N) or A-B, positive integers`;
  const from = m[1] === undefined ? 1 : Number(m[1]);
  const to = Number(m[2]);
  if (from < 1 || to < from) return `BROWNOUT_BENCH_SEEDS: ${s}; allowed: 1 ≤ A ≤ B`;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function parseBudget(spec: string | undefined): number | undefined | string {
  if (spec === undefined || spec.trim() === '') return undefined;
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(spec.trim());
  if (!m) return `BROWNOUT_BENCH_BUDGET: ${spec}; allowed: a number of minutes, or with s, m or h (45m, 2h); 0 writes the summary only`;
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'm') as 's' | 'm' | 'h'];
}

export function benchOptions(env: BenchEnv): BenchOptions {
  const problems: string[] = [];
  let cells: Cell[] = [];
  try {
    cells = selectCells(env.BROWNOUT_BENCH_CELLS);
  } catch (e) {
    problems.push(...((e as BadInputError).problems ?? [String(e)]));
  }
  const backends = (env.BROWNOUT_BENCH_BACKENDS ?? BACKENDS.join(',')).split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of backends) if (!BACKENDS.includes(b as Backend)) problems.push(`BROWNOUT_BENCH_BACKENDS: ${b}; allowed: ${BACKENDS.join(', ')}`);
  if (!backends.length) problems.push(`BROWNOUT_BENCH_BACKENDS: empty; allowed: ${BACKENDS.join(', ')}`);
  const seeds = parseSeeds(env.BROWNOUT_BENCH_SEEDS);
  if (typeof seeds === 'string') problems.push(seeds);
  const budget = parseBudget(env.BROWNOUT_BENCH_BUDGET);
  if (typeof budget === 'string') problems.push(budget);
  if (problems.length) throw new BadInputError('the detection bench was given bad options', { problems });
  const lock = env.BROWNOUT_BENCH_LOCK?.trim();
  return {
    cells, backends: [...new Set(backends)] as Backend[], seeds: seeds as number[], budgetMs: budget as number | undefined,
    lockFile: lock === 'none' ? undefined : lock || DEFAULT_LOCK,
  };
}
