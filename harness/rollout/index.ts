// Public API of harness/rollout: playbooks, the canary judge, the gRPC service definition.
export { judgeCompareGate, metricConfigs } from './canary-gate.ts';
export {
  loadPlaybook, parsePlaybookText, planTargets, readPlaybookFile, validatePlaybook,
  BACKENDS, FAILURE_POLICIES, MIN_LAME_DUCK_SECONDS, STAGE_KINDS, playbookSchema,
} from './playbook.ts';
export type {
  CompareGate, CompareMetric, FailurePolicy, Playbook, PlaybookCluster, PlaybookInput, ServerRef, Stage, StageFault, StageKind, StageTargets, ThresholdGate,
} from './playbook.ts';
export {
  CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, classifyMetric, hodgesLehmann, judgeCanary, mannWhitney, scoreCanary,
} from './judge/index.ts';
export type { CanaryJudgement, CanaryOutcome, CanarySeries, Harm, MetricClass, MetricConfig, MetricResult, ScoreBounds, ShiftEstimate } from './judge/index.ts';
export { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './grpc/index.ts';
export type { ProtoGrpcType, Rollout, RolloutEvent, RolloutsClient, RolloutsHandlers } from './grpc/index.ts';
