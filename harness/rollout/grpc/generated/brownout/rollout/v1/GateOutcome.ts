// Original file: brownout/rollout/v1/rollout.proto

export const GateOutcome = {
  GATE_OUTCOME_UNSPECIFIED: 'GATE_OUTCOME_UNSPECIFIED',
  GATE_OUTCOME_PASS: 'GATE_OUTCOME_PASS',
  GATE_OUTCOME_FAIL: 'GATE_OUTCOME_FAIL',
  /**
   * Pauses the rollout for a human.
   */
  GATE_OUTCOME_INCONCLUSIVE: 'GATE_OUTCOME_INCONCLUSIVE',
  GATE_OUTCOME_NO_DATA: 'GATE_OUTCOME_NO_DATA',
} as const;

export type GateOutcome =
  | 'GATE_OUTCOME_UNSPECIFIED'
  | 0
  | 'GATE_OUTCOME_PASS'
  | 1
  | 'GATE_OUTCOME_FAIL'
  | 2
  /**
   * Pauses the rollout for a human.
   */
  | 'GATE_OUTCOME_INCONCLUSIVE'
  | 3
  | 'GATE_OUTCOME_NO_DATA'
  | 4

export type GateOutcome__Output = typeof GateOutcome[keyof typeof GateOutcome]
