// The rollout's value sets: the gRPC API's enums (proto/brownout/rollout/v1/rollout.proto) in kebab
// case, spelled once here and read by the state file's schema, the wire conversion, the metrics and
// the reports.

/** RolloutPhase. */
export const ROLLOUT_PHASES = ['pending', 'progressing', 'paused', 'rolling-back', 'succeeded', 'rolled-back', 'rollback-failed', 'error'] as const;
/** StagePhase. */
export const STAGE_PHASES = ['pending', 'upgrading', 'soaking', 'judging', 'passed', 'paused', 'failed', 'rolled-back', 'promoted'] as const;
/** StageKind. */
export const STAGE_KINDS = ['canary', 'region', 'global'] as const;
/**
 * UpgradeStep: one server's move as the rollout tracks it. The cluster's own lame-duck upgrade
 * reports only its middle three (clusters/ UpgradeStep); the rollout adds pending, waiting-mesh,
 * done and failed.
 */
export const SERVER_UPGRADE_STEPS = ['pending', 'lame-duck', 'stopping', 'starting', 'waiting-mesh', 'done', 'failed'] as const;
export const SERVER_ROLES = ['canary', 'baseline'] as const;
/**
 * GateOutcome. A gate's word, everywhere: state file, wire, metrics, reports. no-data decides
 * nothing (a rollout gate guards what did happen in its window).
 */
export const GATE_OUTCOMES = ['pass', 'fail', 'inconclusive', 'no-data'] as const;
/**
 * CanaryOutcome: the comparison's word. Kept apart from the gate's because the proto (a published
 * API) and every rollout.json written so far spell it so (CANARY_OUTCOME_SUCCESSFUL, "successful");
 * the judge says it in these words too, and only the comparison gate turns it into a gate outcome
 * (gateOutcomeOf), once.
 */
export const CANARY_OUTCOMES = ['successful', 'inconclusive', 'failed'] as const;
/** MetricClass: Kayenta's classes, no-data spelled as the proto's METRIC_CLASS_NO_DATA. */
export const METRIC_CLASSES = ['pass', 'high', 'low', 'no-data'] as const;

export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
export type StagePhase = (typeof STAGE_PHASES)[number];
export type StageKind = (typeof STAGE_KINDS)[number];
export type ServerUpgradeStep = (typeof SERVER_UPGRADE_STEPS)[number];
export type ServerRole = (typeof SERVER_ROLES)[number];
export type GateOutcome = (typeof GATE_OUTCOMES)[number];
export type CanaryOutcome = (typeof CANARY_OUTCOMES)[number];
export type MetricClass = (typeof METRIC_CLASSES)[number];

/** The comparison's outcome as a gate outcome: the one place the two vocabularies meet. */
export function gateOutcomeOf(outcome: CanaryOutcome): Exclude<GateOutcome, 'no-data'> {
  return outcome === 'successful' ? 'pass' : outcome === 'failed' ? 'fail' : 'inconclusive';
}

/** Phases after which nothing more happens to a rollout. */
export const ENDED_PHASES: readonly RolloutPhase[] = ['succeeded', 'rolled-back', 'rollback-failed'];
