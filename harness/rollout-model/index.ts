// Public API of harness/rollout-model: a rollout's data (state, phases, events, the playbook it
// runs) and its canary metrics and series. Below the metrics, the reports and the controller,
// which all read it; it reads only the timeline's records.
export { CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, NOT_CANARY_METRICS, type CanaryMetric, type CanaryMetricName, type CanaryMetricTable, type Harm, type Sample, type ServerWindow } from './canary-metrics.ts';
export { canarySamples, canarySeries, type CanarySamples, type CanarySeries } from './canary-series.ts';
export type { RolloutEvent, RolloutEventBody } from './events.ts';
export {
  CANARY_OUTCOMES, ENDED_PHASES, GATE_OUTCOMES, METRIC_CLASSES, ROLLOUT_PHASES, SERVER_ROLES, SERVER_UPGRADE_STEPS, STAGE_KINDS, STAGE_PHASES, gateOutcomeOf,
  type CanaryOutcome, type GateOutcome, type MetricClass, type RolloutPhase, type ServerRole, type ServerUpgradeStep, type StageKind, type StagePhase,
} from './phases.ts';
export type { CompareGate, CompareMetric, FailurePolicy, Playbook, PlaybookCluster, Stage, StageFault, ThresholdGate } from './playbook-types.ts';
export {
  ROLLOUT_FORMAT, type CanaryComparison, type DamagedRollout, type Decision, type GateResult, type MetricComparison, type RolloutList, type RolloutState, type ServerUpgrade, type StageState,
} from './state.ts';
