// Original file: brownout/rollout/v1/rollout.proto

import type { StageKind as _brownout_rollout_v1_StageKind, StageKind__Output as _brownout_rollout_v1_StageKind__Output } from '../../../brownout/rollout/v1/StageKind.ts';
import type { StagePhase as _brownout_rollout_v1_StagePhase, StagePhase__Output as _brownout_rollout_v1_StagePhase__Output } from '../../../brownout/rollout/v1/StagePhase.ts';
import type { ServerUpgrade as _brownout_rollout_v1_ServerUpgrade, ServerUpgrade__Output as _brownout_rollout_v1_ServerUpgrade__Output } from '../../../brownout/rollout/v1/ServerUpgrade.ts';
import type { GateResult as _brownout_rollout_v1_GateResult, GateResult__Output as _brownout_rollout_v1_GateResult__Output } from '../../../brownout/rollout/v1/GateResult.ts';

export interface StageStatus {
  'name'?: (string);
  'kind'?: (_brownout_rollout_v1_StageKind);
  'phase'?: (_brownout_rollout_v1_StagePhase);
  /**
   * Servers of the stage in upgrade order.
   */
  'servers'?: (_brownout_rollout_v1_ServerUpgrade)[];
  'gates'?: (_brownout_rollout_v1_GateResult)[];
  /**
   * Soak window, RFC 3339; empty until it starts or ends.
   */
  'soakStartedAt'?: (string);
  'soakEndedAt'?: (string);
}

export interface StageStatus__Output {
  'name': (string);
  'kind': (_brownout_rollout_v1_StageKind__Output);
  'phase': (_brownout_rollout_v1_StagePhase__Output);
  /**
   * Servers of the stage in upgrade order.
   */
  'servers': (_brownout_rollout_v1_ServerUpgrade__Output)[];
  'gates': (_brownout_rollout_v1_GateResult__Output)[];
  /**
   * Soak window, RFC 3339; empty until it starts or ends.
   */
  'soakStartedAt': (string);
  'soakEndedAt': (string);
}
