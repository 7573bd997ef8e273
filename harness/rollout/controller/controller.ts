// The rollout controller: runs staged rollouts from playbooks on real clusters and keeps each one's
// state in runs/<id>/rollout.json before every action. (Being written by the lead; this stub fixes
// the surface the gRPC service and the CLI build on.)
import type { Registry } from 'prom-client';
import { silentProgress, type Progress } from '../../../core/progress.ts';
import { HarnessError } from '../../../core/errors.ts';
import type { RolloutEvent, RolloutService, RolloutState } from './state.ts';

export interface ControllerOptions {
  progress?: Progress;
  /** The serving process's registry: rollout metrics and the observer's series go on it. */
  registry?: Registry;
}

export class RolloutController implements RolloutService {
  readonly progress: Progress;
  constructor(readonly opts: ControllerOptions = {}) {
    this.progress = opts.progress ?? silentProgress;
  }

  /** Pick up rollouts whose controller died mid-way (rollout.json says progressing or rolling back) and go on with them. */
  async recover(): Promise<string[]> {
    return [];
  }

  async start(_req: { playbook: string; source: string; seed?: number }): Promise<RolloutState> {
    throw new HarnessError('not yet');
  }

  get(_id: string): RolloutState {
    throw new HarnessError('not yet');
  }

  list(_activeOnly: boolean): RolloutState[] {
    return [];
  }

  // eslint-disable-next-line require-yield
  async *watch(_id: string, _signal: AbortSignal): AsyncIterable<RolloutEvent> {
    throw new HarnessError('not yet');
  }

  async promote(_id: string, _reason: string): Promise<RolloutState> {
    throw new HarnessError('not yet');
  }

  async abort(_id: string, _reason: string): Promise<RolloutState> {
    throw new HarnessError('not yet');
  }

  async resume(_id: string, _reason: string): Promise<RolloutState> {
    throw new HarnessError('not yet');
  }

  /** Stop driving rollouts (their state stays in rollout.json; a later controller resumes them). */
  async close(): Promise<void> {}
}
