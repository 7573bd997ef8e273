// Original file: brownout/rollout/v1/rollout.proto


export interface StatusLine {
  'text'?: (string);
}

export interface StatusLine__Output {
  'text': (string);
}
