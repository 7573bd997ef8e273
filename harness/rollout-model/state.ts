// A rollout's whole state: what `runs/<id>/rollout.json` holds, written before every action so a
// restarted controller resumes where it was. Plain JSON; the gRPC layer maps it to the proto's
// messages (proto/brownout/rollout/v1/rollout.proto); the value sets are phases.ts's.
import type { Playbook } from './playbook-types.ts';
import type { CanaryOutcome, GateOutcome, MetricClass, RolloutPhase, ServerUpgradeStep, StageKind, StagePhase } from './phases.ts';

export const ROLLOUT_FORMAT = 'brownout.rollout/1';

/** One server's move to another variant (or back, for a rollback). */
export interface ServerUpgrade {
  server: string;
  region: string;
  from: string;
  to: string;
  step: ServerUpgradeStep;
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

export interface MetricComparison {
  name: string;
  class: MetricClass;
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
  outcome: CanaryOutcome;
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
    backend?: 'local' | 'docker' | 'swarm' | 'external';
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

