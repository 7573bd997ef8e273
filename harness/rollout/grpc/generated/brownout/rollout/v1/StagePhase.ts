// Original file: brownout/rollout/v1/rollout.proto

export const StagePhase = {
  STAGE_PHASE_UNSPECIFIED: 'STAGE_PHASE_UNSPECIFIED',
  STAGE_PHASE_PENDING: 'STAGE_PHASE_PENDING',
  STAGE_PHASE_UPGRADING: 'STAGE_PHASE_UPGRADING',
  STAGE_PHASE_SOAKING: 'STAGE_PHASE_SOAKING',
  STAGE_PHASE_JUDGING: 'STAGE_PHASE_JUDGING',
  STAGE_PHASE_PASSED: 'STAGE_PHASE_PASSED',
  STAGE_PHASE_PAUSED: 'STAGE_PHASE_PAUSED',
  STAGE_PHASE_FAILED: 'STAGE_PHASE_FAILED',
  STAGE_PHASE_ROLLED_BACK: 'STAGE_PHASE_ROLLED_BACK',
  /**
   * Passed by a human's Promote, not by its gates.
   */
  STAGE_PHASE_PROMOTED: 'STAGE_PHASE_PROMOTED',
} as const;

export type StagePhase =
  | 'STAGE_PHASE_UNSPECIFIED'
  | 0
  | 'STAGE_PHASE_PENDING'
  | 1
  | 'STAGE_PHASE_UPGRADING'
  | 2
  | 'STAGE_PHASE_SOAKING'
  | 3
  | 'STAGE_PHASE_JUDGING'
  | 4
  | 'STAGE_PHASE_PASSED'
  | 5
  | 'STAGE_PHASE_PAUSED'
  | 6
  | 'STAGE_PHASE_FAILED'
  | 7
  | 'STAGE_PHASE_ROLLED_BACK'
  | 8
  /**
   * Passed by a human's Promote, not by its gates.
   */
  | 'STAGE_PHASE_PROMOTED'
  | 9

export type StagePhase__Output = typeof StagePhase[keyof typeof StagePhase]
