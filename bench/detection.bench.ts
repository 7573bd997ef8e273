// The detection matrix (test/support/detection-matrix.ts) over many seeds on both backends: per
// cell, how often the verdict came out as expected, its false negatives (a build with the bug whose
// scenario detector passed) and false positives (a build without the bug that failed a detector or
// a guard that is not the other bug's); per threshold, how often it failed and what that meant.
// A cell counts as detected only by the scenario's own detector; every other failure is listed beside.
// BROWNOUT_BENCH_SEEDS: seeds per cell (default 20, each run about a minute); BROWNOUT_BENCH_BACKENDS:
// local,docker (default both; docker is left out, and the result says so, when no engine answers);
// BROWNOUT_BENCH_CELLS: only these cells, as scenario/build (packet-loss/stock,statsz-storm/patched).
import { dockerAvailable } from '../core/docker-engine.ts';
import { BadInputError } from '../core/errors.ts';
import { createProgress } from '../core/progress.ts';
import { runScenario } from '../harness/run/run-scenario.ts';
import { MATRIX, cellName, judgeCell, variantOf, type Cell } from '../test/support/detection-matrix.ts';

type Backend = 'local' | 'docker';

interface RunRow {
  seed: number;
  asExpected: boolean;
  falseNegative: boolean;
  falsePositive: boolean;
  incomplete: boolean;
  detectorsFailed: string[];
  guardsFailed: string[];
  statuses: Record<string, 'pass' | 'fail' | 'n/a'>;
  roles: Record<string, 'detector' | 'guard'>;
  seconds: number;
  runDir: string;
}

/** What a threshold's failure means in a cell: the cell's own catch, collateral, a tolerated guard, or a false alarm. */
type Reading = 'caught' | 'beside' | 'tolerated' | 'false positive';

export function readingOf(c: Cell, name: string, role: 'detector' | 'guard'): Reading {
  if (c.expect === 'detected') return role === 'detector' && c.detectors.includes(name) ? 'caught' : 'beside';
  const o = judgeCell(c, { results: [], detectorsFailed: role === 'detector' ? [name] : [], guardsFailed: role === 'guard' ? [name] : [] });
  return o.falsePositive ? 'false positive' : 'tolerated';
}

export function selectCells(spec: string | undefined): Cell[] {
  if (!spec) return [...MATRIX];
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !MATRIX.some((c) => `${c.scenario}/${c.build}` === w));
  if (unknown.length) {
    throw new BadInputError('BROWNOUT_BENCH_CELLS names unknown cells', { problems: unknown.map((u) => `BROWNOUT_BENCH_CELLS: ${u}; allowed: ${MATRIX.map((c) => `${c.scenario}/${c.build}`).join(', ')}`) });
  }
  return MATRIX.filter((c) => wanted.includes(`${c.scenario}/${c.build}`));
}

function summarize(c: Cell, backend: Backend, runs: RunRow[]) {
  const n = runs.length;
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.statuses)))];
  const thresholds = names.map((name) => {
    const role = runs.find((r) => r.roles[name])?.roles[name] ?? 'guard';
    const fail = runs.filter((r) => r.statuses[name] === 'fail').map((r) => r.seed);
    const na = runs.filter((r) => r.statuses[name] === 'n/a').length;
    return { name, role, failed: fail.length, na, of: n, failedSeeds: fail, reading: readingOf(c, name, role) };
  });
  return {
    scenario: c.scenario, build: c.build, variant: variantOf(c.build), backend, expect: c.expect, detectors: c.detectors, tolerated: c.tolerated,
    seeds: n, asExpected: runs.filter((r) => r.asExpected).length,
    falseNegatives: runs.filter((r) => r.falseNegative).map((r) => r.seed),
    falsePositives: runs.filter((r) => r.falsePositive).map((r) => r.seed),
    incomplete: runs.filter((r) => r.incomplete).map((r) => r.seed),
    thresholds, runs,
  };
}
type CellResult = ReturnType<typeof summarize>;

export function renderMarkdown(cells: CellResult[], notes: string[]): string {
  const seeds = (xs: number[]) => (xs.length ? xs.join(', ') : '-');
  const expectText = (c: CellResult) => (c.expect === 'detected' ? `fail by ${c.detectors.join(' or ')}` : `pass${c.tolerated.length ? ` (may fail ${c.tolerated.join(', ')})` : ''}`);
  return [
    ...notes.map((n) => `${n}  `),
    '',
    'A cell counts as detected only when one of the scenario\'s own detectors failed. False negative: a build with the bug',
    'whose detectors all passed. False positive: a build without the bug that failed a detector, or a guard that is not the',
    'other bug it keeps (gateway-only keeps the STATSZ storm, so a STATSZ guard may fail on packet-loss).',
    '',
    '| backend | scenario | build | expected | as expected | false negatives (seeds) | false positives (seeds) | incomplete |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...cells.map((c) => `| ${c.backend} | ${c.scenario} | ${c.build} | ${expectText(c)} | ${c.asExpected}/${c.seeds} | ${seeds(c.falseNegatives)} | ${seeds(c.falsePositives)} | ${seeds(c.incomplete)} |`),
    '',
    '## Per threshold',
    '',
    'caught: the cell\'s own detector failed (wanted). beside: another failure on a build with the bug. tolerated: a guard',
    'of the other bug the build keeps. false positive: a failure on a build that should pass. Thresholds that never failed',
    'and were never n/a are left out.',
    '',
    '| backend | cell | threshold | role | failed | n/a | a failure reads as | failed seeds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...cells.flatMap((c) => c.thresholds.filter((t) => t.failed || t.na).map((t) =>
      `| ${c.backend} | ${cellName(c)} | ${t.name} | ${t.role} | ${t.failed}/${t.of} | ${t.na}/${t.of} | ${t.reading} | ${seeds(t.failedSeeds)} |`)),
  ].join('\n');
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const seeds = Number(process.env.BROWNOUT_BENCH_SEEDS ?? 20);
  const cells = selectCells(process.env.BROWNOUT_BENCH_CELLS);
  const wanted = (process.env.BROWNOUT_BENCH_BACKENDS ?? 'local,docker').split(',').map((b) => b.trim()) as Backend[];
  const notes: string[] = [];
  const backends: Backend[] = [];
  for (const b of wanted) {
    if (b !== 'local' && b !== 'docker') throw new BadInputError(`BROWNOUT_BENCH_BACKENDS: ${b}; allowed: local, docker`);
    if (b === 'docker' && !(await dockerAvailable())) notes.push('docker: left out, no Docker engine answered');
    else backends.push(b);
  }
  notes.unshift(`Backends: ${backends.join(', ')}; ${seeds} seed(s) per cell (1..${seeds}); ${cells.length} cell(s).`);
  const progress = createProgress('detection');
  const results: CellResult[] = [];
  for (const backend of backends) {
    for (const c of cells) {
      const runs: RunRow[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const t0 = Date.now();
        const r = await runScenario({ scenario: c.scenario, variant: variantOf(c.build), backend, seed });
        if (r.interrupted) throw new Error(`interrupted during ${cellName(c)} seed ${seed}`);
        const o = judgeCell(c, r.verdict, r.incomplete);
        const ts = r.verdict.results;
        runs.push({
          seed, asExpected: o.asExpected, falseNegative: o.falseNegative, falsePositive: o.falsePositive, incomplete: r.incomplete,
          detectorsFailed: o.detectorsFailed, guardsFailed: o.guardsFailed,
          statuses: Object.fromEntries(ts.map((t) => [t.name, t.status])), roles: Object.fromEntries(ts.map((t) => [t.name, t.role])),
          seconds: (Date.now() - t0) / 1000, runDir: r.runDir,
        });
        progress.info(`${backend} ${cellName(c)} seed ${seed}: ${o.asExpected ? 'as expected' : 'NOT as expected'}: ${o.why}`);
      }
      results.push(summarize(c, backend, runs));
    }
  }
  return { name: 'Detection matrix over seeds', markdown: renderMarkdown(results, notes), data: { seeds, backends, notes, cells: results } };
}
