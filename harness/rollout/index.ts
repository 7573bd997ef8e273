// Public API of harness/rollout: playbooks, the gates and the canary judge, the gRPC service definition.
export {
  loadPlaybook, parsePlaybookText, planTargets, readPlaybookFile, validatePlaybook,
  BACKENDS, FAILURE_POLICIES, MIN_LAME_DUCK_SECONDS, STAGE_KINDS, playbookSchema,
} from './playbook.ts';
export type {
  CompareGate, CompareMetric, FailurePolicy, Playbook, PlaybookCluster, PlaybookInput, ServerRef, Stage, StageFault, StageKind, StageTargets, ThresholdGate,
} from './playbook.ts';
export {
  classifyMetric, hodgesLehmann, judgeCanary, judgeCompare, judgeCompareGate, judgeThresholdGates, mannWhitney, metricConfigs, scoreCanary, stageOutcome,
} from './judge/index.ts';
export type { CanaryJudgement, MetricConfig, MetricResult, ScoreBounds, ShiftEstimate } from './judge/index.ts';
export { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './grpc/index.ts';
export type { ProtoGrpcType, Rollout, RolloutEvent, RolloutsClient, RolloutsHandlers } from './grpc/index.ts';
