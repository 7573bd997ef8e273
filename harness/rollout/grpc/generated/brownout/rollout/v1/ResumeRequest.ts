// Original file: brownout/rollout/v1/rollout.proto


export interface ResumeRequest {
  'id'?: (string);
  'reason'?: (string);
}

export interface ResumeRequest__Output {
  'id': (string);
  'reason': (string);
}
