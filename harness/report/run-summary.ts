// summary.json: everything one run's verdict rests on, as plain data. One schema, so a summary
// read back (for `--compare`, for a gate) is checked the same way it was written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { schemaProblems } from '../../core/problem-path.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { runWord, type Verdict } from '../verdict/result.ts';
import { thresholdsSchema, type Thresholds } from '../verdict/thresholds.ts';

export interface RunReportInput {
  scenario: string;
  variant: string;
  seed: number | string;
  startedAt: Date | string | number;
  endedAt: Date | string | number;
  verdict: Verdict;
  thresholds: Thresholds;
  /** The runner's own view: stopped before the end (Ctrl-C, an error). */
  incomplete: boolean;
  /** The run's timeline for report.html's charts; read from `<runDir>/timeline.ndjson` when absent. */
  records?: readonly TimelineRecord[];
}

const thresholdResult = z.object({
  name: z.string(), role: z.enum(['detector', 'guard']), bound: z.string(), observed: z.string(), observedValue: z.number().nullable(),
  status: z.enum(['pass', 'fail', 'n/a']), pass: z.boolean(), evidence: z.array(z.string()),
}).strict();

export const runSummarySchema = z.object({
  format: z.literal('brownout.summary/2'),
  scenario: z.string(),
  variant: z.string(),
  seed: z.union([z.number(), z.string()]),
  startedAt: z.string(),
  endedAt: z.string(),
  durationSeconds: z.number(),
  /** Every threshold passed and the run completed. */
  pass: z.boolean(),
  incomplete: z.boolean(),
  thresholds: thresholdsSchema,
  verdict: z.object({
    pass: z.boolean(), incomplete: z.boolean(), results: z.array(thresholdResult),
    /** The scenario's detectors that failed: what it caught. */
    detectorsFailed: z.array(z.string()),
    /** Every other threshold that failed, reported beside. */
    guardsFailed: z.array(z.string()),
  }).strict(),
}).strict();

export type RunSummary = z.infer<typeof runSummarySchema>;

const iso = (d: Date | string | number): string => new Date(d).toISOString();

/** The summary of one run; incomplete if either the runner or the timeline says so. */
export function buildRunSummary(input: RunReportInput): RunSummary {
  const incomplete = input.incomplete || input.verdict.incomplete;
  const startedAt = iso(input.startedAt);
  const endedAt = iso(input.endedAt);
  return {
    format: 'brownout.summary/2',
    scenario: input.scenario,
    variant: input.variant,
    seed: input.seed,
    startedAt,
    endedAt,
    durationSeconds: Math.max(0, (Date.parse(endedAt) - Date.parse(startedAt)) / 1000),
    pass: input.verdict.pass && !incomplete,
    incomplete,
    thresholds: input.thresholds,
    verdict: {
      pass: input.verdict.pass, incomplete: input.verdict.incomplete, results: input.verdict.results,
      detectorsFailed: input.verdict.detectorsFailed, guardsFailed: input.verdict.guardsFailed,
    },
  };
}

/** `PASS`, `FAIL` or `INCOMPLETE` (an incomplete run never passes, whatever its thresholds say). */
export function outcomeOf(s: Pick<RunSummary, 'pass' | 'incomplete'>): 'PASS' | 'FAIL' | 'INCOMPLETE' {
  return runWord(s) as 'PASS' | 'FAIL' | 'INCOMPLETE';
}

/** Read `<runDir>/summary.json` back; a damaged file names every problem. */
export function readRunSummary(runDir: string): RunSummary {
  const file = join(runDir, 'summary.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BadInputError(`${file}: cannot read run summary (${(err as Error).message})`, { cause: err });
  }
  const parsed = runSummarySchema.safeParse(json);
  if (!parsed.success) {
    throw new BadInputError(`${file}: not a brownout run summary`, {
      problems: schemaProblems([], parsed.error.issues, json),
    });
  }
  return parsed.data;
}
