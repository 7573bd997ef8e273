// Public API of metrics: the brownout_* set on a Registry passed in, and the /metrics server.
export { BrownoutMetrics, RECOVERY_BUCKETS } from './brownout-metrics.ts';
export { ServerMetrics, serverMetrics } from './server-metrics.ts';
export { RolloutMetrics, rolloutMetrics } from './rollout-metrics.ts';
export { startMetricsServer } from './metrics-server.ts';
export type { MetricsServer } from './metrics-server.ts';
