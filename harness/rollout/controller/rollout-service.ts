// What the gRPC service calls and what it can answer with: the controller's surface, the phases in
// which a human's decision applies, and the errors that map to gRPC status codes.
import { BadInputError, EnvironmentError } from '../../../core/errors.ts';
import type { RolloutEvent } from '../../rollout-model/events.ts';
import type { RolloutPhase } from '../../rollout-model/phases.ts';
import type { Decision, RolloutList, RolloutState } from '../../rollout-model/state.ts';

/** The phases in which each decision can be taken (resume of an `error` rollout relaunches it). */
export const DECISION_PHASES: Record<Decision['action'], readonly RolloutPhase[]> = {
  promote: ['paused'], abort: ['paused', 'progressing'], resume: ['paused', 'error'],
};

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
