// Original file: brownout/rollout/v1/rollout.proto

import type { CanaryOutcome as _brownout_rollout_v1_CanaryOutcome, CanaryOutcome__Output as _brownout_rollout_v1_CanaryOutcome__Output } from '../../../brownout/rollout/v1/CanaryOutcome.ts';
import type { MetricComparison as _brownout_rollout_v1_MetricComparison, MetricComparison__Output as _brownout_rollout_v1_MetricComparison__Output } from '../../../brownout/rollout/v1/MetricComparison.ts';

export interface CanaryComparison {
  'canary'?: (string);
  'baseline'?: (string);
  /**
   * Share of metrics with data that are not harmful, 0..100; absent when no metric had data.
   */
  'score'?: (number | string);
  'passBound'?: (number | string);
  'marginalBound'?: (number | string);
  'outcome'?: (_brownout_rollout_v1_CanaryOutcome);
  'metrics'?: (_brownout_rollout_v1_MetricComparison)[];
  'reason'?: (string);
  '_score'?: "score";
}

export interface CanaryComparison__Output {
  'canary': (string);
  'baseline': (string);
  /**
   * Share of metrics with data that are not harmful, 0..100; absent when no metric had data.
   */
  'score'?: (number);
  'passBound': (number);
  'marginalBound': (number);
  'outcome': (_brownout_rollout_v1_CanaryOutcome__Output);
  'metrics': (_brownout_rollout_v1_MetricComparison__Output)[];
  'reason': (string);
  '_score'?: "score";
}
