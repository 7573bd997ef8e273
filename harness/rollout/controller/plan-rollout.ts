// A rollout's first state, from its validated playbook and the servers of the cluster it will run
// on: every stage with its batches and its servers pending. Pure: planning fails (BadInputError)
// before anything boots.
import type { Playbook } from '../playbook.ts';
import { planTargets, type ServerRef } from '../playbook.ts';
import { ROLLOUT_FORMAT, type RolloutState, type ServerUpgrade } from '../../rollout-model/index.ts';

export interface PlanRolloutInput {
  id: string;
  runDir: string;
  playbook: Playbook;
  source: string;
  seed: number;
  servers: readonly ServerRef[];
  /** An attached cluster's run id; absent when the rollout boots its own. */
  attachTo?: string;
  now?: Date;
}

export function pendingUpgrade(s: ServerRef, from: string, to: string, rollback: boolean): ServerUpgrade {
  return { server: s.name, region: s.region, from, to, step: 'pending', rollback, lameDuckMs: 0, startMs: 0, meshMs: 0 };
}

export function planRollout(x: PlanRolloutInput): RolloutState {
  const pb = x.playbook;
  const targets = planTargets(pb, x.servers, x.seed);
  const regionOf = new Map(x.servers.map((s) => [s.name, s.region]));
  const at = (x.now ?? new Date()).toISOString();
  return {
    format: ROLLOUT_FORMAT,
    id: x.id,
    playbook: pb,
    source: x.source,
    seed: pb.seed ?? x.seed,
    baseline: pb.baseline,
    target: pb.target,
    phase: 'pending',
    currentStage: 0,
    stages: pb.stages.map((st, i) => {
      const t = targets[i]!;
      return {
        name: st.name, kind: st.kind, phase: 'pending', batches: t.batches,
        servers: t.batches.flat().map((n) => pendingUpgrade({ name: n, region: regionOf.get(n)! }, pb.baseline, pb.target, false)),
        ...(t.baselinePeer ? { baselinePeer: t.baselinePeer } : {}),
        gates: [],
      };
    }),
    message: 'waiting to start',
    createdAt: at,
    updatedAt: at,
    runDir: x.runDir,
    cluster: x.attachTo ? { runId: x.attachTo, owned: false } : { owned: true },
    decisions: [],
  };
}
