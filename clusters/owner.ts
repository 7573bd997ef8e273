// Who owns a cluster, and whether that owner still runs: the one fact the reaper, `clean` and
// `cluster down` decide on. An owner is a process identity (pid + start time + exe), so a reused pid
// is not mistaken for a live owner; files from before identities were recorded have a pid only.
import { BadInputError } from '../core/errors.ts';
import { sameProcess, selfIdentity, type ProcessIdentity } from '../core/process-identity.ts';
import { pidAlive } from './pids.ts';
import { updateState, type ClusterState } from './state-file.ts';

export type OwnerStatus = 'self' | 'alive' | 'gone';

/** `self` when this process owns it, `alive` when another live process does, else `gone`. */
export function ownerStatus(s: Pick<ClusterState, 'ownerPid' | 'owner'>, self: ProcessIdentity = selfIdentity()): OwnerStatus {
  if (s.owner) {
    if (s.owner.pid === self.pid && s.owner.startTime === self.startTime) return 'self';
    return sameProcess(s.owner) ? 'alive' : 'gone';
  }
  if (s.ownerPid === self.pid) return 'self';
  return pidAlive(s.ownerPid) ? 'alive' : 'gone';
}

export type ReapDecision = { reap: true } | { reap: false; why: string | undefined };

/**
 * Whether a reaper may remove this cluster. Never while another live process owns it, detached or
 * not; a cluster of this very process is its own business (undefined why: not worth a line); a
 * detached one whose owner is gone is kept unless `all` (clean) asks for it.
 */
export function reapDecision(s: Pick<ClusterState, 'ownerPid' | 'owner' | 'detached'>, owner: OwnerStatus, all: boolean): ReapDecision {
  if (owner === 'alive') return { reap: false, why: `owner pid ${s.owner?.pid ?? s.ownerPid} is still running${s.detached ? ' (detached: kept for it)' : ''}` };
  if (owner === 'self') return s.detached && all ? { reap: true } : { reap: false, why: undefined };
  if (s.detached && !all) return { reap: false, why: 'left running on purpose (cluster up, or a rollout to resume); npm run clean removes it' };
  return { reap: true };
}

/**
 * Make `who` (default: this process) the owner of a cluster whose owner is gone, e.g. a restarted
 * rollout controller taking over the cluster its dead predecessor booted. Refuses while another live
 * process owns it. Returns the updated state.
 */
export function adoptCluster(runId: string, who: ProcessIdentity = selfIdentity()): ClusterState {
  const next = updateState(runId, (s) => {
    if (ownerStatus(s, who) === 'alive') {
      throw new BadInputError(`cluster ${runId} is owned by pid ${s.owner?.pid ?? s.ownerPid}, which is still running`, {
        problems: [`run: a cluster whose owner is gone; ${runId} is in use`],
      });
    }
    return { ...s, owner: who, ownerPid: who.pid };
  });
  if (!next) throw new BadInputError(`no cluster run "${runId}"`, { problems: ['run: a cluster with a state file'] });
  return next;
}
