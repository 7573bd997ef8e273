// Original file: brownout/rollout/v1/rollout.proto


export interface DamagedRollout {
  'id'?: (string);
  /**
   * The file, as the controller sees it.
   */
  'path'?: (string);
  /**
   * Why it is not a rollout: the parse error or the schema's first problems.
   */
  'error'?: (string);
}

export interface DamagedRollout__Output {
  'id': (string);
  /**
   * The file, as the controller sees it.
   */
  'path': (string);
  /**
   * Why it is not a rollout: the parse error or the schema's first problems.
   */
  'error': (string);
}
