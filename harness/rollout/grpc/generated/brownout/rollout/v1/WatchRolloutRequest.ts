// Original file: brownout/rollout/v1/rollout.proto


export interface WatchRolloutRequest {
  /**
   * Empty: the newest rollout.
   */
  'id'?: (string);
}

export interface WatchRolloutRequest__Output {
  /**
   * Empty: the newest rollout.
   */
  'id': (string);
}
