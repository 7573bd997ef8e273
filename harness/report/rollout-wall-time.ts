// Where a rollout's wall time went (lame duck, stop and start, mesh, soak, the harness's own share),
// for summaries and the rollout bench. Pure.
import type { RolloutState, ServerUpgrade } from '../rollout-model/index.ts';

export interface WallTimeSplit {
  totalMs: number;
  lameDuckMs: number;
  /** Stop and start of the servers (the new process or container up and answering). */
  startMs: number;
  /** From started to every route and gateway up. */
  meshMs: number;
  soakMs: number;
  /** Everything else: the harness's own share (boot of the cluster excluded; judging, waits, reports). */
  otherMs: number;
  /** The cluster's boot before the first stage (not part of the rollout proper). */
  bootMs: number;
  rollbackMs: number;
}

/**
 * Wall time of a rollout by what it was spent on. The servers of one batch move at once, so each
 * batch counts its slowest server's parts; rollback moves are one at a time.
 */
export function wallTimeSplit(s: RolloutState): WallTimeSplit {
  let lameDuckMs = 0, startMs = 0, meshMs = 0;
  const add = (g: readonly ServerUpgrade[]) => {
    if (!g.length) return;
    lameDuckMs += Math.max(...g.map((u) => u.lameDuckMs));
    startMs += Math.max(...g.map((u) => u.startMs));
    meshMs += Math.max(...g.map((u) => u.meshMs));
  };
  for (const st of s.stages) for (const b of st.batches) add(st.servers.filter((u) => b.includes(u.server)));
  for (const u of s.rollback?.servers ?? []) add([u]);
  const soakMs = s.stages.reduce((n, st) => n + (st.soakStartedAt && st.soakEndedAt ? Date.parse(st.soakEndedAt) - Date.parse(st.soakStartedAt) : 0), 0);
  const firstStage = s.stages[0]?.startedAt ? Date.parse(s.stages[0].startedAt) : Date.parse(s.createdAt);
  const bootMs = firstStage - Date.parse(s.createdAt);
  const totalMs = Date.parse(s.updatedAt) - firstStage;
  const rollbackMs = s.rollback?.endedAt ? Date.parse(s.rollback.endedAt) - Date.parse(s.rollback.startedAt) : 0;
  return { totalMs, lameDuckMs, startMs, meshMs, soakMs, otherMs: Math.max(0, totalMs - lameDuckMs - startMs - meshMs - soakMs), bootMs, rollbackMs };
}

