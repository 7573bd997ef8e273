// The detection matrix (test/support/detection-matrix.ts) over 20 seeds on both backends (a cell that
// names its backends, route-dns: docker only), under a minute a run, more than one sitting. So it resumes: every finished
// run is appended to bench/results/detection-runs.ndjson, what the log holds is skipped on start,
// and bench/results/detection.md is written from the whole log after every run. Each run holds the
// machine's cluster lock on its own, so other users of the machine interleave between runs.
// Options (bench/detection-options.ts): BROWNOUT_BENCH_BACKENDS, _CELLS, _SEEDS, _BUDGET, _LOCK.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { dockerAvailable } from '../core/docker-engine.ts';
import { DEFAULT_NATS_TAG, REPO_ROOT } from '../core/layout.ts';
import { buildVariant } from '../harness/variants/variant.ts';
import { DROP_POOL_SLOT_PATCHES } from '../test/support/build.ts';
import { createProgress } from '../core/progress.ts';
import { runScenario } from '../harness/run/execute-plan.ts';
import { SEEDS_PER_CELL, cellKey, variantOf } from './detection-cells.ts';
import { holdLock } from './detection-lock.ts';
import { actualText, appendRecord, expectedText, latestRecords, pendingRuns, readLog, recordOf, type Backend } from './detection-log.ts';
import { benchOptions } from './detection-options.ts';
import { SUMMARY_TITLE, renderSummary, summarizeCell } from './detection-summary.ts';

const RESULTS = path.join(REPO_ROOT, 'bench', 'results');
export const LOG_FILE = path.join(RESULTS, 'detection-runs.ndjson');
const SUMMARY_FILE = path.join(RESULTS, 'detection.md');

/** The commit that runs, `+dirty` when the code (not the results being written) has changes. */
function gitCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', '.', ':!bench/results') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

function summaryBody(): string {
  const { records, badLines } = readLog(LOG_FILE);
  return renderSummary({ records, badLines, logName: path.basename(LOG_FILE) });
}

/** The same page scripts/bench.ts writes at the end, written after every run so it is always current. */
function writeSummary(): void {
  writeFileSync(SUMMARY_FILE, `# ${SUMMARY_TITLE}\n\n_Written ${new Date().toISOString()} from the results log._\n\n${summaryBody()}\n`);
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const opts = benchOptions(process.env);
  const progress = createProgress('detection');
  const backends: Backend[] = [];
  for (const b of opts.backends) {
    if (b === 'docker' && !(await dockerAvailable())) progress.info('docker: left out, no Docker engine answered');
    else backends.push(b);
  }
  const { records, badLines } = readLog(LOG_FILE);
  if (badLines.length) progress.info(`results log: line(s) ${badLines.join(', ')} did not parse; those runs will run again`);
  const pending = pendingRuns(opts.cells, backends, opts.seeds, latestRecords(records));
  const commit = gitCommit();
  progress.info(`${latestRecords(records).length} run(s) in ${path.relative(REPO_ROOT, LOG_FILE)}; ${pending.length} to run `
    + `(${opts.cells.length} cell(s), seeds ${opts.seeds[0]}-${opts.seeds[opts.seeds.length - 1]}, ${backends.join(', ')}), commit ${commit}`
    + `${opts.budgetMs ? `, budget ${(opts.budgetMs / 60_000).toFixed(0)} min` : ''}${opts.lockFile ? `, lock ${opts.lockFile} per run` : ', no lock'}`);
  writeSummary();
  // The test-only build has no name a run can build on demand: build it first (a cache hit once built).
  if (pending.some((p) => p.cell.build === 'drop-pool-slot')) await buildVariant({ tag: DEFAULT_NATS_TAG, patches: DROP_POOL_SLOT_PATCHES }, { progress });
  const started = Date.now();
  let ran = 0;
  for (const p of pending) {
    if (opts.budgetMs !== undefined && Date.now() - started >= opts.budgetMs) {
      progress.info(`budget spent after ${ran} run(s); ${pending.length - ran} left for the next start`);
      break;
    }
    const where = `cell ${p.cellIndex}/${opts.cells.length} seed ${p.seed}/${SEEDS_PER_CELL} ${p.backend}`;
    const lock = opts.lockFile ? await holdLock(opts.lockFile) : undefined;
    const t0 = Date.now();
    let r;
    try {
      progress.info(`${where}: ${cellKey(p.cell)} on ${variantOf(p.cell.build)}${lock ? ` (waited ${(lock.waitedMs / 1000).toFixed(0)} s for the lock)` : ''} ...`);
      r = await runScenario({ scenario: p.cell.scenario, variant: variantOf(p.cell.build), backend: p.backend, seed: p.seed });
    } finally {
      await lock?.release();
    }
    if (r.interrupted) {
      progress.info(`${where}: interrupted (${r.signal ?? 'stopped'}); not logged, it runs again on the next start`);
      break;
    }
    const rec = recordOf(p.cell, p.backend, r, { seconds: (Date.now() - t0) / 1000, date: new Date().toISOString(), commit });
    appendRecord(LOG_FILE, rec);
    writeSummary();
    ran++;
    progress.info(`${where}: expected ${expectedText(p.cell)}, got ${actualText(rec)}: ${rec.asExpected ? 'as expected' : 'NOT AS EXPECTED'} (run ${rec.runId}, ${rec.seconds.toFixed(0)} s) [${latestRecords(readLog(LOG_FILE).records).length} in the log]`);
  }
  const all = latestRecords(readLog(LOG_FILE).records);
  const data = backends.flatMap((b) => opts.cells.map((c) => {
    const s = summarizeCell(c, b, all);
    return { cell: cellKey(c), backend: b, done: s.runs.length, asExpected: s.asExpected.length, goal: s.goal, log: path.basename(LOG_FILE) };
  }));
  return { name: SUMMARY_TITLE, markdown: summaryBody(), data };
}
