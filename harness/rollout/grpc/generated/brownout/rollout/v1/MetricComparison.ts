// Original file: brownout/rollout/v1/rollout.proto

import type { MetricClass as _brownout_rollout_v1_MetricClass, MetricClass__Output as _brownout_rollout_v1_MetricClass__Output } from '../../../brownout/rollout/v1/MetricClass.ts';

export interface MetricComparison {
  'name'?: (string);
  'class'?: (_brownout_rollout_v1_MetricClass);
  /**
   * The class counts against the canary (it points the way the metric hurts).
   */
  'harmful'?: (boolean);
  'canarySamples'?: (number);
  'baselineSamples'?: (number);
  /**
   * Mann-Whitney U two-sided p-value; Hodges-Lehmann shift canary − baseline and its interval.
   */
  'pValue'?: (number | string);
  'shift'?: (number | string);
  'shiftLower'?: (number | string);
  'shiftUpper'?: (number | string);
  'reason'?: (string);
}

export interface MetricComparison__Output {
  'name': (string);
  'class': (_brownout_rollout_v1_MetricClass__Output);
  /**
   * The class counts against the canary (it points the way the metric hurts).
   */
  'harmful': (boolean);
  'canarySamples': (number);
  'baselineSamples': (number);
  /**
   * Mann-Whitney U two-sided p-value; Hodges-Lehmann shift canary − baseline and its interval.
   */
  'pValue': (number);
  'shift': (number);
  'shiftLower': (number);
  'shiftUpper': (number);
  'reason': (string);
}
