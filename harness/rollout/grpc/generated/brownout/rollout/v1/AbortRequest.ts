// Original file: brownout/rollout/v1/rollout.proto


export interface AbortRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface AbortRequest__Output {
  'id': (string);
  'reason': (string);
}
