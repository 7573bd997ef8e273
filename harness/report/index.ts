// Public API of reports: run-folder writers, the terminal verdict table, variant comparison.
export { writeRunReports } from './write-run-reports.ts';
export { buildRunSummary, outcomeOf, readRunSummary, runSummarySchema } from './run-summary.ts';
export type { RunReportInput, RunSummary } from './run-summary.ts';
export { escapeXml, renderJunit } from './junit.ts';
export { renderSummaryMarkdown } from './markdown.ts';
export { renderFailures, renderVerdictTable } from './verdict-table.ts';
export { comparisonRows, formatRatio, ratioOf, renderComparison } from './comparison.ts';
export type { ComparedVerdict, ComparisonRow } from './comparison.ts';
export { renderHtmlReport } from './html-report.ts';
export type { HtmlReportInput, HtmlRun, ReportSection } from './html-report.ts';
export { readRunRecords, writeComparisonReport, writeHtmlReport } from './write-html-report.ts';
export { runSeries } from './run-series.ts';
export type { Band, RunSeries, Series } from './run-series.ts';
export { CHART_IDS, reportCharts } from './report-charts.ts';
export type { ChartSpec } from './report-charts.ts';
export { renderRolloutHtml, writeRolloutHtml } from './rollout-html.ts';
