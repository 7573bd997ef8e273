// What a watcher of a rollout sees, in order: the controller numbers them, the gRPC service streams
// them.
import type { ServerUpgrade, GateResult, RolloutState } from './state.ts';
import type { RolloutPhase, StagePhase } from './phases.ts';

/** What a watcher sees, in order; `seq` grows by one per event of a rollout. */
export type RolloutEventBody =
  | { snapshot: RolloutState }
  | { stage: { index: number; name: string; phase: StagePhase } }
  | { upgrade: ServerUpgrade }
  | { gate: GateResult }
  | { status: { text: string } }
  | { phase: { phase: RolloutPhase; message: string } };

export type RolloutEvent = { rolloutId: string; seq: number; time: string } & RolloutEventBody;
