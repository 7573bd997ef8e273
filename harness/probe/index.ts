// Public API of the log-stream probe.
export { startProbe } from './log-probe.ts';
export type { PairTotals, ProbeOptions, StartedProbe } from './log-probe.ts';
export { StreamAccounting } from './stream-accounting.ts';
export type { StreamCounts } from './stream-accounting.ts';
export { PairWindow, isStalled } from './pair-window.ts';
export { percentile, latencySummary } from './percentile.ts';
