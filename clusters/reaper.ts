// Removes what dead runs left: processes found by their run directory on the command line (so pid
// reuse cannot hit a stranger), containers and networks by run label, then the state file.
import { readdirSync } from 'node:fs';
import { pidAlive, pidMatches, terminate } from './pids.ts';
import { listStates, removeState, type ClusterState } from './state-file.ts';

export interface ReapResult {
  removed: string[];
  skipped: string[];
}

/** Processes whose command line mentions this run's directory. */
export function runProcesses(runDir: string): number[] {
  const marker = runDir.endsWith('/') ? runDir : `${runDir}/`;
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
    .filter((pid) => pid !== process.pid && pidMatches(pid, marker));
}

export async function reapRun(s: Pick<ClusterState, 'runId' | 'runDir' | 'backend'>): Promise<string[]> {
  const removed: string[] = [];
  for (const pid of runProcesses(s.runDir)) {
    await terminate(pid, 2000);
    removed.push(`process ${pid}`);
  }
  if (s.backend === 'docker') {
    const { removeDockerRun } = await import('./docker-resources.ts');
    removed.push(...(await removeDockerRun(s.runId)));
  }
  removeState(s.runId);
  return removed;
}

/**
 * Runs whose owner died without detaching are leftovers; with `all`, also runs left running on
 * purpose (`cluster up`). Runs whose owner is alive and attached are never touched: another
 * harness on this machine may be using them.
 */
export async function reapLeftovers(opts: { all?: boolean } = {}): Promise<ReapResult> {
  const result: ReapResult = { removed: [], skipped: [] };
  for (const s of listStates()) {
    const ownerAlive = s.ownerPid !== process.pid && pidAlive(s.ownerPid);
    if (s.ownerPid === process.pid && !s.detached) continue;
    if ((ownerAlive && !s.detached) || (s.detached && !opts.all)) {
      result.skipped.push(`${s.runId} (${s.detached ? 'left running by cluster up' : `owner pid ${s.ownerPid} alive`})`);
      continue;
    }
    const gone = await reapRun(s);
    result.removed.push(`${s.runId}: ${gone.length === 0 ? 'nothing left' : gone.join(', ')}`);
  }
  const { removeOrphanDockerRuns } = await import('./docker-resources.ts');
  result.removed.push(...(await removeOrphanDockerRuns(new Set(listStates().map((s) => s.runId)))));
  return result;
}
