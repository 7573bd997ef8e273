// Real recorded runs (harness/verdict/recorded/, 3×3 local, seed 1) as report input, for the
// report's tests and its bench: no live cluster needed to render a realistic report.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseTimeline } from '../timeline/reader.ts';
import { recordsOf } from '../timeline/records.ts';
import { SCENARIOS } from '../../chaos/scenarios/index.ts';
import { judge } from '../verdict/judge.ts';
import { DEFAULT_THRESHOLDS } from '../verdict/thresholds.ts';
import type { HtmlRun } from './html-report.ts';
import { buildRunSummary } from './run-summary.ts';

export const RECORDED_RUNS = ['packet-loss-stock', 'packet-loss-patched', 'statsz-storm-stock', 'statsz-storm-patched'] as const;
export type RecordedRun = (typeof RECORDED_RUNS)[number];

export function recordedTimelineFile(name: RecordedRun): string {
  return fileURLToPath(new URL(`../verdict/recorded/${name}.ndjson.gz`, import.meta.url));
}

/** The recorded timeline's text (ndjson), as the run wrote it. */
export function recordedTimelineText(name: RecordedRun): string {
  return gunzipSync(readFileSync(recordedTimelineFile(name))).toString('utf8');
}

/** A recorded run judged with the default thresholds and its scenario's detectors, as writeRunReports would have been given it. */
export function recordedRun(name: RecordedRun): HtmlRun {
  const { records, problems } = parseTimeline(recordedTimelineText(name));
  if (problems.length > 0) throw new Error(`${recordedTimelineFile(name)}: ${problems.join('; ')}`);
  const runs = recordsOf(records, 'run');
  const start = runs.find((r) => r.phase === 'start');
  const end = runs.find((r) => r.phase === 'end');
  if (!start || !end) throw new Error(`${recordedTimelineFile(name)}: no run start and end records`);
  const scenario = start.scenario ?? name;
  const detectors = scenario in SCENARIOS ? SCENARIOS[scenario as keyof typeof SCENARIOS].detectors : [];
  const summary = buildRunSummary({
    scenario, variant: start.servers[0]?.variant ?? name, seed: 1, startedAt: start.t, endedAt: end.t,
    verdict: judge(records, DEFAULT_THRESHOLDS, { detectors: [...(detectors ?? [])] }), thresholds: DEFAULT_THRESHOLDS, incomplete: false,
  });
  return { summary, records };
}
