// Original file: brownout/rollout/v1/rollout.proto

import type { UpgradeStep as _brownout_rollout_v1_UpgradeStep, UpgradeStep__Output as _brownout_rollout_v1_UpgradeStep__Output } from '../../../brownout/rollout/v1/UpgradeStep.ts';

export interface ServerUpgrade {
  'server'?: (string);
  'region'?: (string);
  'fromVariant'?: (string);
  'toVariant'?: (string);
  'step'?: (_brownout_rollout_v1_UpgradeStep);
  /**
   * True for the move back to the baseline.
   */
  'rollback'?: (boolean);
  /**
   * Wall time of each part, milliseconds (0 until done).
   */
  'lameDuckMs'?: (number);
  'startMs'?: (number);
  'meshMs'?: (number);
  /**
   * What went wrong, when step is FAILED.
   */
  'message'?: (string);
}

export interface ServerUpgrade__Output {
  'server': (string);
  'region': (string);
  'fromVariant': (string);
  'toVariant': (string);
  'step': (_brownout_rollout_v1_UpgradeStep__Output);
  /**
   * True for the move back to the baseline.
   */
  'rollback': (boolean);
  /**
   * Wall time of each part, milliseconds (0 until done).
   */
  'lameDuckMs': (number);
  'startMs': (number);
  'meshMs': (number);
  /**
   * What went wrong, when step is FAILED.
   */
  'message': (string);
}
