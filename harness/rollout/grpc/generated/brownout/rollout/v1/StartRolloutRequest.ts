// Original file: brownout/rollout/v1/rollout.proto


export interface StartRolloutRequest {
  /**
   * The playbook's text, YAML or JSON.
   */
  'playbook'?: (string);
  /**
   * Where it came from (a file name), used in every problem the validation reports.
   */
  'source'?: (string);
  /**
   * Chooses the canary when the playbook names none and has no seed of its own.
   */
  'seed'?: (number);
  '_seed'?: "seed";
}

export interface StartRolloutRequest__Output {
  /**
   * The playbook's text, YAML or JSON.
   */
  'playbook': (string);
  /**
   * Where it came from (a file name), used in every problem the validation reports.
   */
  'source': (string);
  /**
   * Chooses the canary when the playbook names none and has no seed of its own.
   */
  'seed'?: (number);
  '_seed'?: "seed";
}
