// Original file: brownout/rollout/v1/rollout.proto

export const UpgradeStep = {
  UPGRADE_STEP_UNSPECIFIED: 'UPGRADE_STEP_UNSPECIFIED',
  UPGRADE_STEP_PENDING: 'UPGRADE_STEP_PENDING',
  UPGRADE_STEP_LAME_DUCK: 'UPGRADE_STEP_LAME_DUCK',
  UPGRADE_STEP_STOPPING: 'UPGRADE_STEP_STOPPING',
  UPGRADE_STEP_STARTING: 'UPGRADE_STEP_STARTING',
  /**
   * Waiting for /healthz and every route and gateway.
   */
  UPGRADE_STEP_WAITING_MESH: 'UPGRADE_STEP_WAITING_MESH',
  UPGRADE_STEP_DONE: 'UPGRADE_STEP_DONE',
  UPGRADE_STEP_FAILED: 'UPGRADE_STEP_FAILED',
} as const;

export type UpgradeStep =
  | 'UPGRADE_STEP_UNSPECIFIED'
  | 0
  | 'UPGRADE_STEP_PENDING'
  | 1
  | 'UPGRADE_STEP_LAME_DUCK'
  | 2
  | 'UPGRADE_STEP_STOPPING'
  | 3
  | 'UPGRADE_STEP_STARTING'
  | 4
  /**
   * Waiting for /healthz and every route and gateway.
   */
  | 'UPGRADE_STEP_WAITING_MESH'
  | 5
  | 'UPGRADE_STEP_DONE'
  | 6
  | 'UPGRADE_STEP_FAILED'
  | 7

export type UpgradeStep__Output = typeof UpgradeStep[keyof typeof UpgradeStep]
