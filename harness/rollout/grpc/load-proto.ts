// The rollout service definition, loaded from proto/ at run time with the options its generated
// types were made for, and the name the health service reports it under.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation } from 'grpc-health-check';
import type { ProtoGrpcType } from './generated/rollout.ts';
import { LOADER_OPTIONS, PROTO_FILE, PROTO_ROOT } from './proto-gen.ts';

/** The fully qualified service name (also its grpc.health.v1 name). */
export const ROLLOUTS_SERVICE = 'brownout.rollout.v1.Rollouts';

export function loadRolloutProto(): ProtoGrpcType {
  const def = protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
  return grpc.loadPackageDefinition(def) as unknown as ProtoGrpcType;
}

/** Health for the whole server ('') and the Rollouts service, both NOT_SERVING until the controller is ready. */
export function createHealth(): HealthImplementation {
  return new HealthImplementation({ '': 'NOT_SERVING', [ROLLOUTS_SERVICE]: 'NOT_SERVING' });
}

export { PROTO_FILE, PROTO_ROOT };
