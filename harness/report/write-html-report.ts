// Writes report.html for a run folder, or one page comparing two run folders (`--compare`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimeline } from '../timeline/reader.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { renderHtmlReport, type HtmlRun, type ReportSection } from './html-report.ts';
import { readRunSummary, type RunSummary } from './run-summary.ts';

/** A run folder's timeline, every line that parses (a crashed writer's last line is skipped); none if absent. */
export function readRunRecords(runDir: string): TimelineRecord[] {
  const file = join(runDir, 'timeline.ndjson');
  return existsSync(file) ? parseTimeline(readFileSync(file, 'utf8')).records : [];
}

/** `<runDir>/report.html` for one run; returns the file written. */
export function writeHtmlReport(runDir: string, summary: RunSummary, records: readonly TimelineRecord[] = readRunRecords(runDir), sections?: readonly ReportSection[]): string {
  const file = join(runDir, 'report.html');
  writeFileSync(file, renderHtmlReport({ runs: [{ summary, records }], sections }));
  return file;
}

/**
 * One page with two finished runs overlaid (baseline first, candidate second), written into the
 * candidate's folder as `compare.html`; returns the file written.
 */
export function writeComparisonReport(baselineDir: string, candidateDir: string): string {
  const run = (dir: string): HtmlRun => ({ summary: readRunSummary(dir), records: readRunRecords(dir) });
  const file = join(candidateDir, 'compare.html');
  writeFileSync(file, renderHtmlReport({ runs: [run(baselineDir), run(candidateDir)] }));
  return file;
}
