// A rollout's whole state: what `runs/<id>/rollout.json` holds, written before every action so a
// restarted controller resumes where it was. Plain JSON; the gRPC layer maps it to the proto's
// messages (proto/brownout/rollout/v1/rollout.proto) and the value sets are the proto's enums in
// kebab case (the same ones the rollout metrics use).
import type { GateOutcome, RolloutPhase, ServerUpgradeState, StagePhase } from '../../metrics/rollout-metrics.ts';
import { BadInputError, EnvironmentError } from '../../../core/errors.ts';
import type { Playbook, StageKind } from '../playbook.ts';

export type { GateOutcome, RolloutPhase, StagePhase };
export type UpgradeStep = ServerUpgradeState;

export const ROLLOUT_FORMAT = 'brownout.rollout/1';

/** One server's move to another variant (or back, for a rollback). */
export interface ServerUpgrade {
  server: string;
  region: string;
  from: string;
  to: string;
  step: UpgradeStep;
  rollback: boolean;
  /** Wall time of each part (ms; 0 until done). */
  lameDuckMs: number;
  startMs: number;
  meshMs: number;
  startedAt?: string;
  endedAt?: string;
  /** What went wrong, when step is `failed`. */
  message?: string;
}

export type MetricClassName = 'pass' | 'high' | 'low' | 'no-data';

export interface MetricComparison {
  name: string;
  class: MetricClassName;
  harmful: boolean;
  canarySamples: number;
  baselineSamples: number;
  /** Mann-Whitney U two-sided p; Hodges-Lehmann shift (canary − baseline) and its interval. NaN-free: 0 when absent. */
  pValue: number;
  shift: number;
  shiftLower: number;
  shiftUpper: number;
  reason: string;
}

export interface CanaryComparison {
  canary: string;
  baseline: string;
  /** 0..100; absent when no metric had data. */
  score?: number;
  passBound: number;
  marginalBound: number;
  outcome: 'successful' | 'inconclusive' | 'failed';
  metrics: MetricComparison[];
  reason: string;
}

export interface GateResult {
  stage: string;
  /** A threshold key or "compare". */
  gate: string;
  outcome: GateOutcome;
  observed: string;
  bound: string;
  evidence: string;
  comparison?: CanaryComparison;
}

export interface StageState {
  name: string;
  kind: StageKind;
  phase: StagePhase;
  /** Upgrade batches (server names), in order. */
  batches: string[][];
  /** Every server of the stage in upgrade order, with its upgrade's progress. */
  servers: ServerUpgrade[];
  /** Canary stage with a comparison: the baseline server restarted alongside the canary. */
  baselinePeer?: string;
  /** When the baseline peer was restarted (at the canary's stop). */
  baselinePeerRestartedAt?: string;
  gates: GateResult[];
  /** Soak-and-judge attempts (Resume adds one). */
  attempts?: number;
  startedAt?: string;
  soakStartedAt?: string;
  soakEndedAt?: string;
  endedAt?: string;
}

export interface Decision {
  action: 'promote' | 'abort' | 'resume';
  reason: string;
  at: string;
  stage: number;
}

export interface RolloutState {
  format: typeof ROLLOUT_FORMAT;
  id: string;
  /** The validated playbook, as executed. */
  playbook: Playbook;
  /** Where it came from (a file name). */
  source: string;
  seed: number;
  baseline: string;
  target: string;
  phase: RolloutPhase;
  /** Index of the stage running, paused or last run. */
  currentStage: number;
  stages: StageState[];
  /** Why the rollout is where it is. */
  message: string;
  createdAt: string;
  updatedAt: string;
  runDir: string;
  cluster: {
    /** The cluster's run id (runs/.clusters/<id>.json) once it exists. */
    runId?: string;
    /** The rollout booted it (and stops it at the end); false for a playbook that attaches. */
    owned: boolean;
    backend?: 'local' | 'docker';
  };
  /** The move back to the baseline, newest first, once a rollback started. */
  rollback?: { servers: ServerUpgrade[]; startedAt: string; endedAt?: string; gates: GateResult[] };
  decisions: Decision[];
  /** Pid of the controller process that runs it now. */
  controllerPid?: number;
  /**
   * The phase the rollout ends in, decided but not yet shown: reports are written and an owned
   * cluster stopped first, so a client that sees the final phase sees a rollout with nothing left
   * running. A controller restarted meanwhile finishes the teardown and then sets it.
   */
  ending?: { phase: RolloutPhase; message: string };
}

/** A runs/<id>/rollout.json that cannot be read as a rollout: listed as such, never resumed. */
export interface DamagedRollout {
  id: string;
  /** The file. */
  path: string;
  /** Why it is not a rollout (the parse error or the schema's first problems). */
  error: string;
}

/** What ListRollouts answers: the rollouts, newest first, and the files that are not. */
export interface RolloutList {
  rollouts: RolloutState[];
  damaged: DamagedRollout[];
}

/** What a watcher sees, in order; `seq` grows by one per event of a rollout. */
export type RolloutEventBody =
  | { snapshot: RolloutState }
  | { stage: { index: number; name: string; phase: StagePhase } }
  | { upgrade: ServerUpgrade }
  | { gate: GateResult }
  | { status: { text: string } }
  | { phase: { phase: RolloutPhase; message: string } };

export type RolloutEvent = { rolloutId: string; seq: number; time: string } & RolloutEventBody;

/** The phases in which each decision can be taken (resume of an `error` rollout relaunches it). */
export const DECISION_PHASES: Record<Decision['action'], readonly RolloutPhase[]> = {
  promote: ['paused'], abort: ['paused', 'progressing'], resume: ['paused', 'error'],
};

/** Phases after which nothing more happens to a rollout. */
export const ENDED_PHASES: readonly RolloutPhase[] = ['succeeded', 'rolled-back', 'rollback-failed'];

/** No rollout with that id (gRPC NOT_FOUND; exit 2). */
export class RolloutNotFoundError extends BadInputError {}
/** A rollout.json that is not one (torn, edited, another format): exit 3, naming the file. */
export class DamagedRolloutError extends EnvironmentError {
  /** What is wrong with it, each `path: what`. */
  readonly problems: string[];
  constructor(message: string, options: { cause?: unknown; hint?: string; problems?: string[] } = {}) {
    super(message, options);
    this.problems = options.problems ?? [];
  }
}
/** The call does not fit the rollout's phase, e.g. Promote when it is not paused (gRPC FAILED_PRECONDITION; exit 2). */
export class RolloutPreconditionError extends BadInputError {}

/**
 * What the gRPC service calls: the controller, or anything with the same surface. Problems with
 * the input throw BadInputError (→ INVALID_ARGUMENT, every problem in `problems`), an unknown id
 * RolloutNotFoundError (→ NOT_FOUND), a call in the wrong phase RolloutPreconditionError
 * (→ FAILED_PRECONDITION); anything else is INTERNAL.
 */
export interface RolloutService {
  start(req: { playbook: string; source: string; seed?: number }): Promise<RolloutState>;
  /** '' is the newest. */
  get(id: string): RolloutState;
  /** Newest first; damaged files beside them, never in the way of the others. */
  list(activeOnly: boolean): RolloutList;
  /** A snapshot event first, then every event until the rollout ends or `signal` aborts. */
  watch(id: string, signal: AbortSignal): AsyncIterable<RolloutEvent>;
  promote(id: string, reason: string): Promise<RolloutState>;
  abort(id: string, reason: string): Promise<RolloutState>;
  resume(id: string, reason: string): Promise<RolloutState>;
}
