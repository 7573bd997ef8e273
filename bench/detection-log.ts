// The detection bench's results log: one JSON line per finished run (bench/results/detection-runs.ndjson),
// appended as each run ends, so a bench stopped for any reason resumes where it was. Pure, except
// `readLog` and `appendRecord` at the bottom.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { RunResult } from '../harness/run/execute-plan.ts';
import { runWord } from '../harness/verdict/result.ts';
import { cellKey, judgeCell, variantOf, type Cell } from './detection-cells.ts';

export type Backend = 'local' | 'docker';
export const BACKENDS: readonly Backend[] = ['local', 'docker'];

/** A threshold that did not pass, as the log keeps it: enough to say why without opening the run. */
export interface FailedThreshold {
  name: string;
  role: 'detector' | 'guard';
  status: 'fail' | 'n/a';
  observed: string;
  /** The observed figure as a number (units as in harness/verdict/result.ts), null when there is none. */
  value: number | null;
  bound: string;
}

/** One line of the log. */
export interface RunRecord {
  /** `packet-loss/stock` */
  cell: string;
  scenario: string;
  build: string;
  variant: string;
  backend: Backend;
  seed: number;
  /** What the cell expected at the time of the run: `fail(recovery.maxSeconds|recovery.noneStuck)` or `pass`. */
  expected: string;
  /** PASS, FAIL or INCOMPLETE. */
  verdict: 'PASS' | 'FAIL' | 'INCOMPLETE' | 'INTERRUPTED';
  /** Every threshold that failed or had nothing to judge, with its observed value. */
  failed: FailedThreshold[];
  asExpected: boolean;
  falseNegative: boolean;
  falsePositive: boolean;
  incomplete: boolean;
  error?: string;
  runId: string;
  /** Seconds from the start of the run to its verdict (lock wait excluded). */
  seconds: number;
  /** ISO time the run ended. */
  date: string;
  /** `git rev-parse --short HEAD` of the tree that ran it, `+dirty` when it had changes. */
  commit: string;
}

/** The expectation of a cell in one word: what the progress line and the log print. */
export function expectedText(c: Cell): string {
  if (c.expect === 'detected') return `fail(${c.detectors.join('|')})`;
  return c.tolerated.length ? `pass(may fail ${c.tolerated.join('|')})` : 'pass';
}

export const runKey = (r: { cell: string; backend: string; seed: number }): string => `${r.cell} ${r.backend} ${r.seed}`;

/** Pure: the log's records, a line that does not parse (a run cut off mid-write) left out and counted. */
export function parseLog(text: string): { records: RunRecord[]; badLines: number[] } {
  const records: RunRecord[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const r = JSON.parse(line) as RunRecord;
      if (typeof r.cell !== 'string' || typeof r.backend !== 'string' || !Number.isInteger(r.seed)) throw new Error('not a run record');
      records.push(r);
    } catch {
      badLines.push(i + 1);
    }
  });
  return { records, badLines };
}

/** Pure: the latest record of every (cell, backend, seed); a later line replaces an earlier one. */
export function latestRecords(records: readonly RunRecord[]): RunRecord[] {
  const byKey = new Map<string, RunRecord>();
  for (const r of records) byKey.set(runKey(r), r);
  return [...byKey.values()];
}

export interface PendingRun {
  cell: Cell;
  /** 1-based position of the cell among the chosen cells. */
  cellIndex: number;
  backend: Backend;
  seed: number;
}

/**
 * Pure: what is left to run, in order: backend by backend (as given), then seed by seed, every chosen
 * cell for one seed before the next seed (so every cell has data early); (cell, backend, seed)
 * already in the log are skipped.
 */
export function pendingRuns(cells: readonly Cell[], backends: readonly Backend[], seeds: readonly number[], done: readonly RunRecord[]): PendingRun[] {
  const have = new Set(done.map(runKey));
  const out: PendingRun[] = [];
  for (const backend of backends) {
    for (const seed of seeds) {
      cells.forEach((cell, i) => {
        if (cell.backends && !cell.backends.includes(backend)) return;
        if (!have.has(runKey({ cell: cellKey(cell), backend, seed }))) out.push({ cell, cellIndex: i + 1, backend, seed });
      });
    }
  }
  return out;
}

/** Pure: the log line for a finished run. */
export function recordOf(c: Cell, backend: Backend, r: RunResult, meta: { seconds: number; date: string; commit: string }): RunRecord {
  const o = judgeCell(c, r.verdict, r.incomplete);
  const failed = r.verdict.results.filter((t) => t.status !== 'pass').map((t) => ({
    name: t.name, role: t.role, status: t.status as 'fail' | 'n/a', observed: t.observed, value: t.observedValue, bound: t.bound,
  }));
  return {
    cell: cellKey(c), scenario: c.scenario, build: c.build, variant: variantOf(c.build), backend, seed: r.seed,
    expected: expectedText(c), verdict: runWord({ pass: r.verdict.pass, incomplete: r.incomplete, interrupted: r.interrupted }), failed,
    asExpected: o.asExpected, falseNegative: o.falseNegative, falsePositive: o.falsePositive, incomplete: r.incomplete,
    ...(r.error ? { error: r.error } : {}),
    runId: r.runId, seconds: Math.round(meta.seconds * 10) / 10, date: meta.date, commit: meta.commit,
  };
}

/** Pure: a record read back as the verdict the cell judge takes, so the summary judges by today's matrix. */
export function verdictOf(r: RunRecord) {
  const failed = r.failed.filter((t) => t.status === 'fail');
  return {
    results: r.failed.map((t) => ({ name: t.name, role: t.role, status: t.status })),
    detectorsFailed: failed.filter((t) => t.role === 'detector').map((t) => t.name),
    guardsFailed: failed.filter((t) => t.role === 'guard').map((t) => t.name),
  };
}

/** Pure: what the progress line says a run gave: `fail(recovery.noneStuck=2 links, statsz.x=9 msgs)` or `pass`. */
export function actualText(r: RunRecord): string {
  const failed = r.failed.filter((t) => t.status === 'fail');
  const list = failed.map((t) => `${t.name}=${t.observed}`).join(', ');
  if (r.incomplete) return `INCOMPLETE${r.error ? ` (${r.error})` : ''}${list ? ` fail(${list})` : ''}`;
  return failed.length ? `fail(${list})` : 'pass';
}

export function readLog(file: string): { records: RunRecord[]; badLines: number[] } {
  return existsSync(file) ? parseLog(readFileSync(file, 'utf8')) : { records: [], badLines: [] };
}

/** One line per run, appended whole: a crash loses at most the run in progress. */
export function appendRecord(file: string, r: RunRecord): void {
  appendFileSync(file, JSON.stringify(r) + '\n');
}
