// Public API of harness/rollout/grpc: the service definition, its server and client, the conversions.
export { createHealth, loadRolloutProto, ROLLOUTS_SERVICE } from './load-proto.ts';
export { GENERATED_DIR, generateTypes, LOADER_OPTIONS, PROTO_FILE, PROTO_ROOT } from './proto-gen.ts';
export type { ProtoGrpcType } from './generated/rollout.ts';
export type { RolloutsClient, RolloutsHandlers } from './generated/brownout/rollout/v1/Rollouts.ts';
export type { Rollout, Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
export type { RolloutEvent, RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';
export { serveRollouts, type ServeOptions, type ServedRollouts } from './server.ts';
export { connectController, controllerAnswers, findController, logFileFor, RolloutApi, serveCommand, type ConnectOptions } from './client.ts';
export { readControllerFile, removeControllerFile, writeControllerFile, type ControllerInfo } from './controller-file.ts';
export {
  ENUMS, eventFromProto, eventToProto, gateFromProto, gateToProto, rolloutFromProto, rolloutToProto, upgradeFromProto, upgradeToProto,
  type RolloutEventView, type RolloutView, type StageView,
} from './convert.ts';
export { fromServiceError, parseDetails, statusCodeOf, toStatus } from './status.ts';
