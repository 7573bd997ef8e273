// startCluster(): reap leftovers of dead runs, pick a backend, boot, wait for the full mesh.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { BadInputError, EnvironmentError } from '../core/errors.ts';
import { RUNS_DIR } from '../core/layout.ts';
import { selfIdentity } from '../core/process-identity.ts';
import { silentProgress } from '../core/progress.ts';
import { checkRunId } from '../core/run-id.ts';
import type { Backend, Progress } from './backend.ts';
import { Cluster, type StartedCluster } from './cluster.ts';
import { dockerAvailable } from './docker-resources.ts';
import { LocalBackend } from './local-backend.ts';
import { reapLeftovers, reapRun } from './reaper.ts';
import { generateSecrets } from './secrets.ts';
import { writeState, type BackendName } from './state-file.ts';
import { serversOf, type Topology } from './topology.ts';

export type BackendChoice = BackendName | 'auto';

export interface StartOptions {
  /** `auto` (default): docker when an engine answers, else local. */
  backend?: BackendChoice;
  /** Labels everything the run creates; default `<timestamp>-<random>`. */
  runId?: string;
  /** Configs and logs; default `runs/<runId>`. */
  runDir?: string;
  /** Deadline for the full mesh before startCluster resolves; 0 skips the wait. Default 60 s + 0.5 s per server. */
  meshDeadlineMs?: number;
  progress?: Progress;
}

/** Full mesh deadline that grows with the cluster: 60 s at a few servers, 108 s at 96. */
export function defaultMeshDeadlineMs(t: Topology): number {
  return 60_000 + 500 * serversOf(t).length;
}

export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

export async function resolveBackend(choice: BackendChoice, progress: Progress = silentProgress): Promise<BackendName> {
  if (choice === 'local') return 'local';
  if (choice === 'swarm') {
    if (!process.env.BROWNOUT_SWARM_HOST) throw new EnvironmentError('--backend swarm needs BROWNOUT_SWARM_HOST (the swarm manager\'s engine)', { hint: 'npm run swarm-lab -- up prints it for the local lab; BROWNOUT_SWARM_ENGINES lists every node\'s engine for faults' });
    return 'swarm';
  }
  const engine = await dockerAvailable();
  if (choice === 'docker') {
    if (!engine) throw new EnvironmentError('no Docker engine answers', { hint: 'start dockerd, or use --backend local' });
    return 'docker';
  }
  if (choice !== 'auto') throw new BadInputError(`unknown backend "${String(choice)}"`, { problems: ['backend: one of local, docker, swarm, auto'] });
  const picked = engine ? 'docker' : 'local';
  progress.info(`backend auto: ${picked} (${engine ? 'a Docker engine answers' : 'no Docker engine'})`);
  return picked;
}

export async function startCluster(topology: Topology, opts: StartOptions = {}): Promise<StartedCluster> {
  const progress = opts.progress ?? silentProgress;
  if (opts.runId !== undefined) checkRunId(opts.runId, 'runId');
  const backendName = await resolveBackend(opts.backend ?? 'auto', progress);
  const reaped = await reapLeftovers();
  for (const r of reaped.removed) progress.info(`reaped leftover run ${r}`);
  for (const r of reaped.failed) progress.info(`warning: could not remove leftover ${r}`);
  for (const r of reaped.unreadable) progress.info(`warning: ${r}`);
  const runId = opts.runId === undefined ? newRunId() : checkRunId(opts.runId, 'runId');
  const runDir = path.resolve(opts.runDir ?? path.join(RUNS_DIR, runId), 'cluster');
  const secrets = generateSecrets();
  // Written before anything starts, so a harness killed mid-boot still leaves a trail for the reaper.
  const owner = selfIdentity();
  writeState({
    runId, backend: backendName, runDir, createdAt: new Date().toISOString(), ownerPid: owner.pid, owner, detached: false,
    topology, secrets, endpoints: [],
  });
  let backend: Backend;
  try {
    if (backendName === 'local') {
      backend = await LocalBackend.start(topology, runDir, secrets, progress);
    } else if (backendName === 'swarm') {
      const { SwarmBackend } = await import('./swarm-backend.ts');
      backend = await SwarmBackend.start(topology, runId, secrets, progress);
    } else {
      const { DockerBackend } = await import('./docker-backend.ts');
      backend = await DockerBackend.start(topology, runId, runDir, secrets, progress);
    }
  } catch (err) {
    // The backend removed what it started; the reaper sweeps anything it missed.
    await reapRun({ runId, runDir, backend: backendName });
    throw err;
  }
  const cluster = new Cluster(runId, topology, runDir, secrets, backend);
  if (opts.meshDeadlineMs !== 0) {
    progress.info('waiting for every route and gateway');
    try {
      await cluster.waitForMesh(opts.meshDeadlineMs ?? defaultMeshDeadlineMs(topology));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }
  return cluster;
}
