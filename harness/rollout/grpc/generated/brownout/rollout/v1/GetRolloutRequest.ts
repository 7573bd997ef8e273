// Original file: brownout/rollout/v1/rollout.proto


export interface GetRolloutRequest {
  'id'?: (string);
}

export interface GetRolloutRequest__Output {
  'id': (string);
}
