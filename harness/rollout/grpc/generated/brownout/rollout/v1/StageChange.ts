// Original file: brownout/rollout/v1/rollout.proto

import type { StagePhase as _brownout_rollout_v1_StagePhase, StagePhase__Output as _brownout_rollout_v1_StagePhase__Output } from '../../../brownout/rollout/v1/StagePhase.ts';

export interface StageChange {
  'index'?: (number);
  'name'?: (string);
  'phase'?: (_brownout_rollout_v1_StagePhase);
}

export interface StageChange__Output {
  'index': (number);
  'name': (string);
  'phase': (_brownout_rollout_v1_StagePhase__Output);
}
