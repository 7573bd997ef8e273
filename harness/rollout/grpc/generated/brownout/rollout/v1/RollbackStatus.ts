// Original file: brownout/rollout/v1/rollout.proto

import type { ServerUpgrade as _brownout_rollout_v1_ServerUpgrade, ServerUpgrade__Output as _brownout_rollout_v1_ServerUpgrade__Output } from '../../../brownout/rollout/v1/ServerUpgrade.ts';
import type { GateResult as _brownout_rollout_v1_GateResult, GateResult__Output as _brownout_rollout_v1_GateResult__Output } from '../../../brownout/rollout/v1/GateResult.ts';

export interface RollbackStatus {
  /**
   * Newest upgraded server first.
   */
  'servers'?: (_brownout_rollout_v1_ServerUpgrade)[];
  /**
   * The rollback is judged too.
   */
  'gates'?: (_brownout_rollout_v1_GateResult)[];
  /**
   * RFC 3339; ended_at empty until it ends.
   */
  'startedAt'?: (string);
  'endedAt'?: (string);
}

export interface RollbackStatus__Output {
  /**
   * Newest upgraded server first.
   */
  'servers': (_brownout_rollout_v1_ServerUpgrade__Output)[];
  /**
   * The rollback is judged too.
   */
  'gates': (_brownout_rollout_v1_GateResult__Output)[];
  /**
   * RFC 3339; ended_at empty until it ends.
   */
  'startedAt': (string);
  'endedAt': (string);
}
