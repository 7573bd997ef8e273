// Original file: brownout/rollout/v1/rollout.proto

export const RolloutPhase = {
  ROLLOUT_PHASE_UNSPECIFIED: 'ROLLOUT_PHASE_UNSPECIFIED',
  ROLLOUT_PHASE_PENDING: 'ROLLOUT_PHASE_PENDING',
  ROLLOUT_PHASE_PROGRESSING: 'ROLLOUT_PHASE_PROGRESSING',
  /**
   * A gate was inconclusive, or failed under `onFailure: pause`: Promote, Resume or Abort.
   */
  ROLLOUT_PHASE_PAUSED: 'ROLLOUT_PHASE_PAUSED',
  ROLLOUT_PHASE_ROLLING_BACK: 'ROLLOUT_PHASE_ROLLING_BACK',
  /**
   * Every stage passed; every server runs the target.
   */
  ROLLOUT_PHASE_SUCCEEDED: 'ROLLOUT_PHASE_SUCCEEDED',
  /**
   * A gate failed (or Abort) and the rollback left every server on the baseline, fully meshed.
   */
  ROLLOUT_PHASE_ROLLED_BACK: 'ROLLOUT_PHASE_ROLLED_BACK',
  /**
   * The rollback itself failed: a server down or a link stuck. Needs a human, loudly.
   */
  ROLLOUT_PHASE_ROLLBACK_FAILED: 'ROLLOUT_PHASE_ROLLBACK_FAILED',
  /**
   * The harness could not go on (environment, deadline); state kept for Resume.
   */
  ROLLOUT_PHASE_ERROR: 'ROLLOUT_PHASE_ERROR',
} as const;

export type RolloutPhase =
  | 'ROLLOUT_PHASE_UNSPECIFIED'
  | 0
  | 'ROLLOUT_PHASE_PENDING'
  | 1
  | 'ROLLOUT_PHASE_PROGRESSING'
  | 2
  /**
   * A gate was inconclusive, or failed under `onFailure: pause`: Promote, Resume or Abort.
   */
  | 'ROLLOUT_PHASE_PAUSED'
  | 3
  | 'ROLLOUT_PHASE_ROLLING_BACK'
  | 4
  /**
   * Every stage passed; every server runs the target.
   */
  | 'ROLLOUT_PHASE_SUCCEEDED'
  | 5
  /**
   * A gate failed (or Abort) and the rollback left every server on the baseline, fully meshed.
   */
  | 'ROLLOUT_PHASE_ROLLED_BACK'
  | 6
  /**
   * The rollback itself failed: a server down or a link stuck. Needs a human, loudly.
   */
  | 'ROLLOUT_PHASE_ROLLBACK_FAILED'
  | 7
  /**
   * The harness could not go on (environment, deadline); state kept for Resume.
   */
  | 'ROLLOUT_PHASE_ERROR'
  | 8

export type RolloutPhase__Output = typeof RolloutPhase[keyof typeof RolloutPhase]
