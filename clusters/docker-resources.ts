// Docker engine access and labels. Every container and network a run creates carries
// `brownout.run=<runId>` and `brownout.owner=<pid>`, so cleanup finds them without a state file.
import Docker from 'dockerode';
import { pidAlive } from './pids.ts';

export const LABEL_RUN = 'brownout.run';
export const LABEL_OWNER = 'brownout.owner';
export const LABEL_DETACHED = 'brownout.detached';

let client: Docker | undefined;
export function docker(): Docker {
  return (client ??= new Docker());
}

/** True when an engine answers within `timeoutMs`. */
export async function dockerAvailable(timeoutMs = 1500): Promise<boolean> {
  try {
    await Promise.race([
      docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

export function runLabels(runId: string, detached = false): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_OWNER]: String(process.pid), [LABEL_DETACHED]: String(detached) };
}

/** Remove a run's containers (forced, with anonymous volumes) and then its networks. */
export async function removeDockerRun(runId: string): Promise<string[]> {
  if (!(await dockerAvailable())) return [];
  const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
  const removed: string[] = [];
  const containers = await docker().listContainers({ all: true, filters });
  await Promise.all(containers.map(async (c) => {
    await docker().getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreNotFound);
    removed.push(`container ${c.Names[0]?.replace(/^\//, '') ?? c.Id}`);
  }));
  for (const n of await docker().listNetworks({ filters })) {
    await docker().getNetwork(n.Id).remove().catch(ignoreNotFound);
    removed.push(`network ${n.Name}`);
  }
  const volumes = (await docker().listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) {
    await docker().getVolume(v.Name).remove().catch(ignoreNotFound);
    removed.push(`volume ${v.Name}`);
  }
  return removed;
}

/** Runs that exist only in Docker (their harness died before writing state) and whose owner is dead. */
export async function removeOrphanDockerRuns(known: Set<string>): Promise<string[]> {
  if (!(await dockerAvailable())) return [];
  const filters = JSON.stringify({ label: [LABEL_RUN] });
  const runs = new Map<string, { owner: number; detached: boolean }>();
  for (const c of await docker().listContainers({ all: true, filters })) addRun(runs, c.Labels);
  for (const n of await docker().listNetworks({ filters })) addRun(runs, n.Labels ?? {});
  const removed: string[] = [];
  for (const [runId, r] of runs) {
    if (known.has(runId) || r.detached || (r.owner !== process.pid && pidAlive(r.owner)) || r.owner === process.pid) continue;
    removed.push(...(await removeDockerRun(runId)).map((x) => `${runId}: ${x}`));
  }
  return removed;
}

function addRun(runs: Map<string, { owner: number; detached: boolean }>, labels: Record<string, string>): void {
  const id = labels[LABEL_RUN];
  if (id) runs.set(id, { owner: Number(labels[LABEL_OWNER]), detached: labels[LABEL_DETACHED] === 'true' });
}

function ignoreNotFound(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 404) throw err;
}
