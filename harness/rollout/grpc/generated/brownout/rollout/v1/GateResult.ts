// Original file: brownout/rollout/v1/rollout.proto

import type { GateOutcome as _brownout_rollout_v1_GateOutcome, GateOutcome__Output as _brownout_rollout_v1_GateOutcome__Output } from '../../../brownout/rollout/v1/GateOutcome.ts';
import type { CanaryComparison as _brownout_rollout_v1_CanaryComparison, CanaryComparison__Output as _brownout_rollout_v1_CanaryComparison__Output } from '../../../brownout/rollout/v1/CanaryComparison.ts';

export interface GateResult {
  'stage'?: (string);
  /**
   * A threshold key (statsz.maxPerServerPerSecond) or "compare".
   */
  'gate'?: (string);
  'outcome'?: (_brownout_rollout_v1_GateOutcome);
  /**
   * As the verdict table prints them.
   */
  'observed'?: (string);
  'bound'?: (string);
  'evidence'?: (string);
  /**
   * The canary-vs-baseline comparison, for gate "compare".
   */
  'comparison'?: (_brownout_rollout_v1_CanaryComparison | null);
}

export interface GateResult__Output {
  'stage': (string);
  /**
   * A threshold key (statsz.maxPerServerPerSecond) or "compare".
   */
  'gate': (string);
  'outcome': (_brownout_rollout_v1_GateOutcome__Output);
  /**
   * As the verdict table prints them.
   */
  'observed': (string);
  'bound': (string);
  'evidence': (string);
  /**
   * The canary-vs-baseline comparison, for gate "compare".
   */
  'comparison': (_brownout_rollout_v1_CanaryComparison__Output | null);
}
