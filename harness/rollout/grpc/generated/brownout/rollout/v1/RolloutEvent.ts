// Original file: brownout/rollout/v1/rollout.proto

import type { Rollout as _brownout_rollout_v1_Rollout, Rollout__Output as _brownout_rollout_v1_Rollout__Output } from '../../../brownout/rollout/v1/Rollout.ts';
import type { StageChange as _brownout_rollout_v1_StageChange, StageChange__Output as _brownout_rollout_v1_StageChange__Output } from '../../../brownout/rollout/v1/StageChange.ts';
import type { ServerUpgrade as _brownout_rollout_v1_ServerUpgrade, ServerUpgrade__Output as _brownout_rollout_v1_ServerUpgrade__Output } from '../../../brownout/rollout/v1/ServerUpgrade.ts';
import type { GateResult as _brownout_rollout_v1_GateResult, GateResult__Output as _brownout_rollout_v1_GateResult__Output } from '../../../brownout/rollout/v1/GateResult.ts';
import type { StatusLine as _brownout_rollout_v1_StatusLine, StatusLine__Output as _brownout_rollout_v1_StatusLine__Output } from '../../../brownout/rollout/v1/StatusLine.ts';
import type { PhaseChange as _brownout_rollout_v1_PhaseChange, PhaseChange__Output as _brownout_rollout_v1_PhaseChange__Output } from '../../../brownout/rollout/v1/PhaseChange.ts';
import type { Long } from '@grpc/proto-loader';

export interface RolloutEvent {
  'rolloutId'?: (string);
  /**
   * Increases by one per event of this rollout; a reconnecting watcher sees where it left off.
   */
  'seq'?: (number | string | Long);
  /**
   * RFC 3339.
   */
  'time'?: (string);
  /**
   * Always the first event of a watch.
   */
  'snapshot'?: (_brownout_rollout_v1_Rollout | null);
  'stage'?: (_brownout_rollout_v1_StageChange | null);
  'upgrade'?: (_brownout_rollout_v1_ServerUpgrade | null);
  'gate'?: (_brownout_rollout_v1_GateResult | null);
  /**
   * The live status line, as `npm run chaos` shows it.
   */
  'status'?: (_brownout_rollout_v1_StatusLine | null);
  /**
   * The rollout's phase changed (paused, rolling back, succeeded, ...).
   */
  'phase'?: (_brownout_rollout_v1_PhaseChange | null);
  'event'?: "snapshot"|"stage"|"upgrade"|"gate"|"status"|"phase";
}

export interface RolloutEvent__Output {
  'rolloutId': (string);
  /**
   * Increases by one per event of this rollout; a reconnecting watcher sees where it left off.
   */
  'seq': (string);
  /**
   * RFC 3339.
   */
  'time': (string);
  /**
   * Always the first event of a watch.
   */
  'snapshot'?: (_brownout_rollout_v1_Rollout__Output | null);
  'stage'?: (_brownout_rollout_v1_StageChange__Output | null);
  'upgrade'?: (_brownout_rollout_v1_ServerUpgrade__Output | null);
  'gate'?: (_brownout_rollout_v1_GateResult__Output | null);
  /**
   * The live status line, as `npm run chaos` shows it.
   */
  'status'?: (_brownout_rollout_v1_StatusLine__Output | null);
  /**
   * The rollout's phase changed (paused, rolling back, succeeded, ...).
   */
  'phase'?: (_brownout_rollout_v1_PhaseChange__Output | null);
  'event'?: "snapshot"|"stage"|"upgrade"|"gate"|"status"|"phase";
}
