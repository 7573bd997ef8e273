export { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './load-proto.ts';
export { GENERATED_DIR, generateTypes, LOADER_OPTIONS, PROTO_FILE, PROTO_ROOT } from './proto-gen.ts';
export type { ProtoGrpcType } from './generated/rollout.ts';
export type { RolloutsClient, RolloutsHandlers } from './generated/brownout/rollout/v1/Rollouts.ts';
export type { Rollout, Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
export type { RolloutEvent, RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';
