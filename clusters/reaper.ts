// Removes what dead runs left. Only what is ours: a process is signalled when it is still the very
// process the state file recorded (pid, start time, exe), or, for one a killed harness started before
// it could record it, when it runs a binary we built and names the run folder; containers and
// networks go by run label; a cluster whose owner still runs is never touched.
import { readdirSync } from 'node:fs';
import { processIdentity, sameProcess, type ProcessIdentity } from '../core/process-identity.ts';
import { ownerStatus, reapDecision } from './owner.ts';
import { terminate, unrecordedOurs } from './pids.ts';
import { removeState, scanStates, type ClusterState } from './state-file.ts';

export interface ReapResult {
  removed: string[];
  skipped: string[];
  /** Resources that could not be removed, with the engine's reason. */
  failed: string[];
  /** State files that could not be read or are invalid, each naming the file (left in place). */
  unreadable: string[];
}

const dirMarker = (runDir: string): string => (runDir.endsWith('/') ? runDir : `${runDir}/`);

/** Processes of this run found without a record: our own built binaries naming the run folder. */
export function runProcesses(runDir: string): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
    .filter((pid) => pid !== process.pid && unrecordedOurs(pid, dirMarker(runDir)) !== undefined);
}

/** Identities the state file recorded for the local backend's processes, still alive as recorded. */
export function recordedProcesses(s: Pick<ClusterState, 'local'>): ProcessIdentity[] {
  if (!s.local) return [];
  const ids = [s.local.toxiproxy.identity, ...Object.values(s.local.servers).map((x) => x.identity)];
  return ids.filter((x): x is ProcessIdentity => x !== undefined && sameProcess(x));
}

/** Every process of the run we may signal: recorded ones, then unrecorded ones of ours. */
export function ourRunProcesses(s: Pick<ClusterState, 'local' | 'runDir'>): ProcessIdentity[] {
  const found = new Map(recordedProcesses(s).map((x) => [x.pid, x]));
  for (const pid of runProcesses(s.runDir)) {
    const id = found.has(pid) ? undefined : processIdentity(pid);
    if (id) found.set(pid, id);
  }
  return [...found.values()];
}

/** Remove everything of one run. The caller has decided it may (see reapDecision). */
export async function reapRun(s: Pick<ClusterState, 'runId' | 'runDir' | 'backend'> & Partial<Pick<ClusterState, 'local' | 'swarm'>>): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  for (const who of ourRunProcesses({ local: s.local, runDir: s.runDir })) {
    await terminate(who, 2000).then(() => removed.push(`process ${who.pid}`), (e: Error) => failed.push(`process ${who.pid}: ${e.message}`));
  }
  if (s.backend === 'swarm') {
    const { removeSwarmRunFromEnv } = await import('./swarm-resources.ts');
    const r = await removeSwarmRunFromEnv(s.runId, s.swarm);
    removed.push(...r.removed);
    failed.push(...r.failed);
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
 * Runs whose owner is gone and that were not kept on purpose are leftovers; with `all` (clean), also
 * the ones kept on purpose (`cluster up`, a crashed rollout's cluster). A run whose owner still
 * runs is never touched, detached or not: another harness on this machine is using it.
 */
export async function reapLeftovers(opts: { all?: boolean } = {}): Promise<ReapResult> {
  const result: ReapResult = { removed: [], skipped: [], failed: [], unreadable: [] };
  const { states, bad } = scanStates();
  result.unreadable.push(...bad.map((e) => e.message));
  for (const s of states) {
    const d = reapDecision(s, ownerStatus(s), opts.all === true);
    if (!d.reap) {
      if (d.why) result.skipped.push(`${s.runId} (${d.why})`);
      continue;
    }
    const gone = await reapRun(s);
    result.removed.push(`${s.runId}: ${gone.removed.length === 0 ? 'nothing left' : gone.removed.join(', ')}`);
    result.failed.push(...gone.failed.map((f) => `${s.runId}: ${f}`));
  }
  const { removeOrphanDockerRuns } = await import('./docker-resources.ts');
  // Runs still recorded (kept, or with unreadable files) are not orphans.
  const known = new Set([...scanStates().states.map((s) => s.runId), ...bad.map((e) => e.file.replace(/^.*\/|\.json$/g, ''))]);
  const orphans = await removeOrphanDockerRuns(known);
  result.removed.push(...orphans.removed);
  result.failed.push(...orphans.failed);
  if (opts.all) {
    // clean: swarm runs no state file here knows (their harness died before writing one), on the
    // swarm the environment names and on the local lab when it is up.
    const { removeOrphanSwarmRuns } = await import('./swarm-resources.ts');
    const { labEnvironmentIfUp } = await import('./swarm-lab.ts');
    const swarm = await removeOrphanSwarmRuns(known, [process.env, labEnvironmentIfUp() ?? {}]);
    result.removed.push(...swarm.removed);
    result.failed.push(...swarm.failed);
  }
  // iptables rules dead runs left in containers that outlive them (clusters/rule-ledger.ts).
  // A rule in a swarm task is reached through the node engine its ledger line names.
  const { sweepRuleLedgers, dockerRuleTools } = await import('./rule-ledger.ts');
  const { ledgerRuleTools } = await import('./swarm-loss-tools.ts');
  const rules = await sweepRuleLedgers(undefined, ledgerRuleTools('clean', dockerRuleTools));
  for (const k of ['removed', 'skipped', 'failed'] as const) result[k].push(...rules[k]);
  return result;
}
