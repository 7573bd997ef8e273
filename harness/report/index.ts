// Public API of reports: run-folder writers, the terminal verdict table, variant comparison.
export { writeRunReports } from './write-run-reports.ts';
export { buildRunSummary, outcomeOf, readRunSummary, runSummarySchema } from './run-summary.ts';
export type { RunReportInput, RunSummary } from './run-summary.ts';
export { escapeXml, renderJunit } from './junit.ts';
export { renderSummaryMarkdown } from './markdown.ts';
export { renderFailures, renderVerdictTable } from './verdict-table.ts';
export { comparisonRows, formatRatio, ratioOf, renderComparison } from './comparison.ts';
export type { ComparedVerdict, ComparisonRow } from './comparison.ts';
