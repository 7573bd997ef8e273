// A cluster a rollout booted is owned by the controller driving it: recorded in the cluster's state
// file at boot and again by a controller that resumes the rollout, so `clean` and the reaper (which
// never remove a cluster whose recorded owner lives) leave it alone while a controller drives it.
import { adoptCluster, readState } from '../../../clusters/index.ts';

/** Record this process as the owner of cluster `runId`; nothing when it has no state file. */
export function claimCluster(runId: string): void {
  if (!readState(runId)) return;
  adoptCluster(runId);
}
