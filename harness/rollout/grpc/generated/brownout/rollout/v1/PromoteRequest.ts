// Original file: brownout/rollout/v1/rollout.proto


export interface PromoteRequest {
  'id'?: (string);
  /**
   * Recorded in rollout.json and the report.
   */
  'reason'?: (string);
}

export interface PromoteRequest__Output {
  'id': (string);
  /**
   * Recorded in rollout.json and the report.
   */
  'reason': (string);
}
