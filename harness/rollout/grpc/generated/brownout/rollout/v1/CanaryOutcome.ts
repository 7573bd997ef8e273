// Original file: brownout/rollout/v1/rollout.proto

export const CanaryOutcome = {
  CANARY_OUTCOME_UNSPECIFIED: 'CANARY_OUTCOME_UNSPECIFIED',
  CANARY_OUTCOME_SUCCESSFUL: 'CANARY_OUTCOME_SUCCESSFUL',
  CANARY_OUTCOME_INCONCLUSIVE: 'CANARY_OUTCOME_INCONCLUSIVE',
  CANARY_OUTCOME_FAILED: 'CANARY_OUTCOME_FAILED',
} as const;

export type CanaryOutcome =
  | 'CANARY_OUTCOME_UNSPECIFIED'
  | 0
  | 'CANARY_OUTCOME_SUCCESSFUL'
  | 1
  | 'CANARY_OUTCOME_INCONCLUSIVE'
  | 2
  | 'CANARY_OUTCOME_FAILED'
  | 3

export type CanaryOutcome__Output = typeof CanaryOutcome[keyof typeof CanaryOutcome]
