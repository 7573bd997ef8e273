// Original file: brownout/rollout/v1/rollout.proto

export const MetricClass = {
  METRIC_CLASS_UNSPECIFIED: 'METRIC_CLASS_UNSPECIFIED',
  METRIC_CLASS_PASS: 'METRIC_CLASS_PASS',
  METRIC_CLASS_HIGH: 'METRIC_CLASS_HIGH',
  METRIC_CLASS_LOW: 'METRIC_CLASS_LOW',
  METRIC_CLASS_NO_DATA: 'METRIC_CLASS_NO_DATA',
} as const;

export type MetricClass =
  | 'METRIC_CLASS_UNSPECIFIED'
  | 0
  | 'METRIC_CLASS_PASS'
  | 1
  | 'METRIC_CLASS_HIGH'
  | 2
  | 'METRIC_CLASS_LOW'
  | 3
  | 'METRIC_CLASS_NO_DATA'
  | 4

export type MetricClass__Output = typeof MetricClass[keyof typeof MetricClass]
