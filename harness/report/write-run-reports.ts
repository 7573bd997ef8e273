// Writes a run's reports into its folder: summary.json, junit.xml, summary.md, report.html. Synchronous: it
// runs once, at the end, and the caller must not exit before the files are there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { writeHtmlReport } from './write-html-report.ts';
import { buildRunSummary, type RunReportInput, type RunSummary } from './run-summary.ts';

export function writeRunReports(runDir: string, input: RunReportInput): RunSummary {
  const summary = buildRunSummary(input);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(join(runDir, 'junit.xml'), renderJunit(summary));
  writeFileSync(join(runDir, 'summary.md'), renderSummaryMarkdown(summary));
  // The charts come from the records when the caller has them, else from the run's timeline.ndjson.
  // A page that cannot be drawn must not cost the run its verdict and exit code: say so and go on.
  try {
    writeHtmlReport(runDir, summary, input.records);
  } catch (err) {
    process.stderr.write(`report.html not written: ${(err as Error).message}\n`);
  }
  return summary;
}
