// Original file: brownout/rollout/v1/rollout.proto

import type { RolloutPhase as _brownout_rollout_v1_RolloutPhase, RolloutPhase__Output as _brownout_rollout_v1_RolloutPhase__Output } from '../../../brownout/rollout/v1/RolloutPhase.ts';
import type { StageStatus as _brownout_rollout_v1_StageStatus, StageStatus__Output as _brownout_rollout_v1_StageStatus__Output } from '../../../brownout/rollout/v1/StageStatus.ts';
import type { RollbackStatus as _brownout_rollout_v1_RollbackStatus, RollbackStatus__Output as _brownout_rollout_v1_RollbackStatus__Output } from '../../../brownout/rollout/v1/RollbackStatus.ts';

export interface Rollout {
  'id'?: (string);
  /**
   * The playbook's name.
   */
  'playbook'?: (string);
  /**
   * Full variant names, e.g. v2.10.14 and v2.10.14+brownout.
   */
  'baseline'?: (string);
  'target'?: (string);
  'phase'?: (_brownout_rollout_v1_RolloutPhase);
  /**
   * Index into stages of the stage running, paused or last run.
   */
  'currentStage'?: (number);
  'stages'?: (_brownout_rollout_v1_StageStatus)[];
  /**
   * Why the rollout is where it is: the failed gate, the pause, the abort's reason.
   */
  'message'?: (string);
  /**
   * RFC 3339.
   */
  'createdAt'?: (string);
  'updatedAt'?: (string);
  /**
   * runs/<id>/ on the controller's machine: rollout.json, timeline.ndjson, reports.
   */
  'runDir'?: (string);
  /**
   * The cluster it runs on: its run id (runs/.clusters/<id>.json).
   */
  'cluster'?: (string);
  /**
   * The move back to the baseline, once a rollback started; absent before.
   */
  'rollback'?: (_brownout_rollout_v1_RollbackStatus | null);
}

export interface Rollout__Output {
  'id': (string);
  /**
   * The playbook's name.
   */
  'playbook': (string);
  /**
   * Full variant names, e.g. v2.10.14 and v2.10.14+brownout.
   */
  'baseline': (string);
  'target': (string);
  'phase': (_brownout_rollout_v1_RolloutPhase__Output);
  /**
   * Index into stages of the stage running, paused or last run.
   */
  'currentStage': (number);
  'stages': (_brownout_rollout_v1_StageStatus__Output)[];
  /**
   * Why the rollout is where it is: the failed gate, the pause, the abort's reason.
   */
  'message': (string);
  /**
   * RFC 3339.
   */
  'createdAt': (string);
  'updatedAt': (string);
  /**
   * runs/<id>/ on the controller's machine: rollout.json, timeline.ndjson, reports.
   */
  'runDir': (string);
  /**
   * The cluster it runs on: its run id (runs/.clusters/<id>.json).
   */
  'cluster': (string);
  /**
   * The move back to the baseline, once a rollback started; absent before.
   */
  'rollback': (_brownout_rollout_v1_RollbackStatus__Output | null);
}
