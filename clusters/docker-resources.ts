// Docker engine access and labels. Every container and network a run creates carries
// `brownout.run=<runId>`, its first owner (`brownout.owner=<pid>`, `brownout.owner-start=<start
// time>`) and the path of its state file (`brownout.state`), so cleanup finds them without a state
// file, and a cleanup that does not own that state file leaves the run to the one that does.
import { existsSync } from 'node:fs';
import { docker, dockerAvailable } from '../core/docker-engine.ts';
import { sameProcess, selfIdentity } from '../core/process-identity.ts';
import { pidAlive } from './pids.ts';
import { stateFilePath } from './state-file.ts';

export const LABEL_RUN = 'brownout.run';
export const LABEL_OWNER = 'brownout.owner';
export const LABEL_OWNER_START = 'brownout.owner-start';
export const LABEL_DETACHED = 'brownout.detached';
export const LABEL_STATE = 'brownout.state';

export { docker, dockerAvailable };

export function runLabels(runId: string, detached = false): Record<string, string> {
  const me = selfIdentity();
  return {
    [LABEL_RUN]: runId, [LABEL_OWNER]: String(me.pid), [LABEL_OWNER_START]: String(me.startTime),
    [LABEL_DETACHED]: String(detached), [LABEL_STATE]: stateFilePath(runId),
  };
}

/** What a run's labels say, as the orphan sweep reads them. */
export interface LabeledRun {
  owner: number;
  /** Absent on resources labeled before start times were recorded: judged by pid alone. */
  ownerStart?: number;
  detached: boolean;
  /** The state file that describes the run, when the labels name one. */
  state?: string;
}

/**
 * Whether a docker run is an orphan the sweep may remove (pure but for the two facts passed in). A
 * run whose state file still exists belongs to the runs folder holding it: its owner may have
 * changed since the labels were written (a resumed rollout controller adopts its cluster), so only
 * the reaper reading that state file judges it. Otherwise the labeled owner must be gone.
 */
export function isOrphan(r: LabeledRun, facts: { known: boolean; stateExists: boolean; ownerAlive: boolean }): boolean {
  if (facts.known || facts.stateExists || r.detached) return false;
  return !facts.ownerAlive;
}

export interface Removal {
  removed: string[];
  /** What could not be removed and why; never thrown, so one stuck resource cannot block later runs. */
  failed: string[];
}

/** A container's network namespace now (its first process and when it started); undefined when the container is gone. */
export async function inspectNamespace(container: string): Promise<{ id: string; name: string; running: boolean; pid: number; startedAt: string } | undefined> {
  try {
    const st = await docker().getContainer(container).inspect();
    return { id: st.Id, name: st.Name.replace(/^\//, ''), running: st.State.Running && st.State.Pid > 0, pid: st.State.Pid, startedAt: st.State.StartedAt };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

/** Remove a run's containers (forced, with anonymous volumes), then its networks and volumes. */
export async function removeDockerRun(runId: string, passes = 4): Promise<Removal> {
  const out: Removal = { removed: [], failed: [] };
  if (!(await dockerAvailable())) return out;
  const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
  // A container created concurrently with the first pass keeps a network busy: go round again.
  for (let pass = 1; pass <= passes; pass++) {
    const last = pass === passes;
    for (const c of await docker().listContainers({ all: true, filters })) {
      const name = `container ${c.Names[0]?.replace(/^\//, '') ?? c.Id}`;
      await docker().getContainer(c.Id).remove({ force: true, v: true })
        .then(() => out.removed.push(name), (err) => { if (last) note(out, name, err); });
    }
    let busy = false;
    for (const n of await docker().listNetworks({ filters })) {
      await docker().getNetwork(n.Id).remove().then(() => out.removed.push(`network ${n.Name}`), (err) => {
        busy = true;
        if (last) note(out, `network ${n.Name}`, err);
      });
    }
    if (!busy) break;
    if (!last) await new Promise((r) => setTimeout(r, 300));
  }
  for (const v of (await docker().listVolumes({ filters })).Volumes ?? []) {
    await docker().getVolume(v.Name).remove().then(() => out.removed.push(`volume ${v.Name}`), (err) => note(out, `volume ${v.Name}`, err));
  }
  return out;
}

function note(out: Removal, what: string, err: unknown): void {
  if ((err as { statusCode?: number }).statusCode === 404) return;
  out.failed.push(`${what}: ${err instanceof Error ? err.message.replace(/^\(HTTP code \d+\) \w+ - /, '').trim() : String(err)}`);
}

/** Runs that exist only in Docker (their harness died before writing state) and whose owner is dead. */
export async function removeOrphanDockerRuns(known: Set<string>): Promise<Removal> {
  const out: Removal = { removed: [], failed: [] };
  if (!(await dockerAvailable())) return out;
  const filters = JSON.stringify({ label: [LABEL_RUN] });
  const runs = new Map<string, LabeledRun>();
  for (const c of await docker().listContainers({ all: true, filters })) addRun(runs, c.Labels);
  for (const n of await docker().listNetworks({ filters })) addRun(runs, n.Labels ?? {});
  for (const [runId, r] of runs) {
    if (!orphanByLabels(runId, r, known)) continue;
    // One pass: a resource the engine refuses to remove (a stale endpoint) must not slow every start.
    const one = await removeDockerRun(runId, 1);
    out.removed.push(...one.removed.map((x) => `${runId}: ${x}`));
    out.failed.push(...one.failed.map((x) => `${runId}: ${x}`));
  }
  return out;
}

/** Whether a labeled run is an orphan now: its owner (as the labels name it) gone, no state file, not known. */
export function orphanByLabels(runId: string, r: LabeledRun, known: Set<string>): boolean {
  const ownerAlive = r.owner === process.pid || (r.ownerStart === undefined ? pidAlive(r.owner) : sameProcess({ pid: r.owner, startTime: r.ownerStart, exe: '' }));
  return isOrphan(r, { known: known.has(runId), stateExists: r.state !== undefined && existsSync(r.state), ownerAlive });
}

/** Adds the run its labels name (if any) to `runs`. */
export function addRun(runs: Map<string, LabeledRun>, labels: Record<string, string>): void {
  const id = labels[LABEL_RUN];
  if (!id) return;
  const start = Number(labels[LABEL_OWNER_START]);
  runs.set(id, {
    owner: Number(labels[LABEL_OWNER]), ownerStart: Number.isFinite(start) && labels[LABEL_OWNER_START] ? start : undefined,
    detached: labels[LABEL_DETACHED] === 'true', state: labels[LABEL_STATE] || undefined,
  });
}
