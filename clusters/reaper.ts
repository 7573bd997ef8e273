// Removes what dead runs left: processes found by their run directory on the command line (so pid
// reuse cannot hit a stranger), containers and networks by run label, then the state file.
import { readdirSync } from 'node:fs';
import { pidAlive, pidMatches, terminate } from './pids.ts';
import { listStates, removeState, type ClusterState } from './state-file.ts';

export interface ReapResult {
  removed: string[];
  skipped: string[];
  /** Resources that could not be removed, with the engine's reason. */
  failed: string[];
}

/** Processes whose command line mentions this run's directory. */
export function runProcesses(runDir: string): number[] {
  const marker = runDir.endsWith('/') ? runDir : `${runDir}/`;
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
    .filter((pid) => pid !== process.pid && pidMatches(pid, marker));
}

export async function reapRun(s: Pick<ClusterState, 'runId' | 'runDir' | 'backend'>): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  for (const pid of runProcesses(s.runDir)) {
    await terminate(pid, 2000).then(() => removed.push(`process ${pid}`), (e: Error) => failed.push(`process ${pid}: ${e.message}`));
  }
  if (s.backend === 'docker') {
    const { removeDockerRun } = await import('./docker-resources.ts');
    const r = await removeDockerRun(s.runId);
    removed.push(...r.removed);
    failed.push(...r.failed);
  }
  // Dropped even when something failed: a label sweep still finds docker leftovers, and a state
  // file that can never be reaped would make every later start retry it.
  removeState(s.runId);
  return { removed, failed };
}

/**
 * Runs whose owner died without detaching are leftovers; with `all`, also runs left running on
 * purpose (`cluster up`). Runs whose owner is alive and attached are never touched: another
 * harness on this machine may be using them.
 */
export async function reapLeftovers(opts: { all?: boolean } = {}): Promise<ReapResult> {
  const result: ReapResult = { removed: [], skipped: [], failed: [] };
  for (const s of listStates()) {
    const ownerAlive = s.ownerPid !== process.pid && pidAlive(s.ownerPid);
    if (s.ownerPid === process.pid && !s.detached) continue;
    if ((ownerAlive && !s.detached) || (s.detached && !opts.all)) {
      result.skipped.push(`${s.runId} (${s.detached ? 'left running by cluster up' : `owner pid ${s.ownerPid} alive`})`);
      continue;
    }
    const gone = await reapRun(s);
    result.removed.push(`${s.runId}: ${gone.removed.length === 0 ? 'nothing left' : gone.removed.join(', ')}`);
    result.failed.push(...gone.failed.map((f) => `${s.runId}: ${f}`));
  }
  const { removeOrphanDockerRuns } = await import('./docker-resources.ts');
  const orphans = await removeOrphanDockerRuns(new Set(listStates().map((s) => s.runId)));
  result.removed.push(...orphans.removed);
  result.failed.push(...orphans.failed);
  // iptables rules dead runs left in containers that outlive them (clusters/rule-ledger.ts).
  const rules = await (await import('./rule-ledger.ts')).sweepRuleLedgers();
  for (const k of ['removed', 'skipped', 'failed'] as const) result[k].push(...rules[k]);
  return result;
}
