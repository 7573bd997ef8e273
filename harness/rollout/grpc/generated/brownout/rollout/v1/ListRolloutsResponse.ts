// Original file: brownout/rollout/v1/rollout.proto

import type { Rollout as _brownout_rollout_v1_Rollout, Rollout__Output as _brownout_rollout_v1_Rollout__Output } from '../../../brownout/rollout/v1/Rollout.ts';

export interface ListRolloutsResponse {
  'rollouts'?: (_brownout_rollout_v1_Rollout)[];
}

export interface ListRolloutsResponse__Output {
  'rollouts': (_brownout_rollout_v1_Rollout__Output)[];
}
