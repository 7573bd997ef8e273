// Public API of the observer: start it on a ClusterView, and the pure pieces verdicts reuse.
export { startObserver } from './observer.ts';
export type { ObserverOptions, StartedObserver } from './observer.ts';
export { summarize, statszPerServer, linkOutages, probePairs } from './summary.ts';
export type { ObserverSummary, ServerStatsz, LinkOutage, PairSummary, StallSummary } from './summary.ts';
export { advanceLinks, linkKey } from './link-state.ts';
export type { LinkEntry, LinkObservation, LinkTable } from './link-state.ts';
export { observeLinks, gatewayAddresses } from './links-from-monitoring.ts';
export type { ExpectedLinks } from './links-from-monitoring.ts';
export { StatszCounter, peakInWindow } from './statsz-counter.ts';
export type { StatszCounterOptions, StatszMessage } from './statsz-counter.ts';
export { subscribeStatsz, parseStatsz } from './statsz-subscription.ts';
export type { StatszSubscription } from './statsz-subscription.ts';
export { localProcessInspector } from './local-process.ts';
export type { ProcessInspector, ProcessSample } from './local-process.ts';
export { fetchSnapshot } from '../../core/nats-monitoring.ts';
export type { MonitorSnapshot } from '../../core/nats-monitoring.ts';
