// Public API of metrics: the brownout_* set on a Registry passed in, and the /metrics server.
export { BrownoutMetrics, RECOVERY_BUCKETS } from './brownout-metrics.ts';
export { ServerMetrics, serverMetrics } from './server-metrics.ts';
export { RolloutMetrics, rolloutMetrics, ROLLOUT_PHASES, STAGE_PHASES, SERVER_UPGRADE_STATES, SERVER_ROLES, GATE_OUTCOMES } from './rollout-metrics.ts';
export type { RolloutPhase, StagePhase, ServerUpgradeState, ServerRole, GateOutcome } from './rollout-metrics.ts';
export { startMetricsServer } from './metrics-server.ts';
export type { MetricsServer } from './metrics-server.ts';
