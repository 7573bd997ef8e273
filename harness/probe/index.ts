// Public API of the log-stream probe.
export { startProbe, resolveProbeOptions, DEFAULT_PROBE_SEED } from './log-probe.ts';
export type { PairTotals, ProbeOptions, StartedProbe } from './log-probe.ts';
export { StreamAccounting } from './stream-accounting.ts';
export type { StreamCounts } from './stream-accounting.ts';
export { PairWindow } from './pair-window.ts';
export { initialStall, isStalled, stallStep } from './stall-machine.ts';
export type { StallEffect, StallEvent, StallPhase, StallState } from './stall-machine.ts';
export { placementOrder } from './placement.ts';
export { percentile, latencySummary } from './percentile.ts';
