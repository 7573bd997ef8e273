// Original file: brownout/rollout/v1/rollout.proto

import type { RolloutPhase as _brownout_rollout_v1_RolloutPhase, RolloutPhase__Output as _brownout_rollout_v1_RolloutPhase__Output } from '../../../brownout/rollout/v1/RolloutPhase.ts';

export interface PhaseChange {
  'phase'?: (_brownout_rollout_v1_RolloutPhase);
  'message'?: (string);
}

export interface PhaseChange__Output {
  'phase': (_brownout_rollout_v1_RolloutPhase__Output);
  'message': (string);
}
