// A cluster a rollout booted is owned by the controller driving it: recorded in the cluster's state
// file at boot and again by a controller that resumes the rollout, so `clean` and the reaper (which
// never remove a cluster whose recorded owner lives) leave it alone while a controller drives it.
//
// STUB for issue 18: clusters/ (owners helper) provides the real owner setter, recording a
// ProcessIdentity; until it is merged this sets ownerPid through the state file. Wire it at merge.
import { readState, writeState } from '../../../clusters/state-file.ts';

/** Record this process as the owner of cluster `runId`; nothing when it has no state file. */
export function claimCluster(runId: string): void {
  const st = readState(runId);
  if (!st || st.ownerPid === process.pid) return;
  writeState({ ...st, ownerPid: process.pid });
}
