// Original file: brownout/rollout/v1/rollout.proto

import type { Rollout as _brownout_rollout_v1_Rollout, Rollout__Output as _brownout_rollout_v1_Rollout__Output } from '../../../brownout/rollout/v1/Rollout.ts';
import type { DamagedRollout as _brownout_rollout_v1_DamagedRollout, DamagedRollout__Output as _brownout_rollout_v1_DamagedRollout__Output } from '../../../brownout/rollout/v1/DamagedRollout.ts';

export interface ListRolloutsResponse {
  'rollouts'?: (_brownout_rollout_v1_Rollout)[];
  /**
   * rollout.json files that cannot be read as a rollout (torn, edited, another format), newest
   * first: named here so one bad file never hides the others.
   */
  'damaged'?: (_brownout_rollout_v1_DamagedRollout)[];
}

export interface ListRolloutsResponse__Output {
  'rollouts': (_brownout_rollout_v1_Rollout__Output)[];
  /**
   * rollout.json files that cannot be read as a rollout (torn, edited, another format), newest
   * first: named here so one bad file never hides the others.
   */
  'damaged': (_brownout_rollout_v1_DamagedRollout__Output)[];
}
