// Original file: brownout/rollout/v1/rollout.proto


export interface ListRolloutsRequest {
  /**
   * Only rollouts that have not ended (progressing, paused, rolling back).
   */
  'activeOnly'?: (boolean);
}

export interface ListRolloutsRequest__Output {
  /**
   * Only rollouts that have not ended (progressing, paused, rolling back).
   */
  'activeOnly': (boolean);
}
