// attachCluster(): a StartedCluster view of a cluster another process left running (`npm run
// cluster -- up`, local or docker), rebuilt from its state file, or of the running compose stack
// (`compose`, a reserved id: clusters/compose-attach.ts). Faults work on it as on one we booted; stop() only
// lets go of it: the servers keep running until `cluster down`, `npm run clean` or `docker-compose down`.
import { BadInputError, EnvironmentError, HarnessError } from '../core/errors.ts';
import type { Backend } from './backend.ts';
import { Cluster, type StartedCluster } from './cluster.ts';
import { attachCompose, COMPOSE_ATTACH_ID, composeAttachTarget, isComposeAttach } from './compose-attach.ts';
import { LocalBackend } from './local-backend.ts';
import { pidAlive } from './pids.ts';
import { listStates, readState, type ClusterState } from './state-file.ts';

export interface AttachOptions {
  /** Deadline for the full mesh before attaching (default 15 s); 0 skips the check. */
  meshDeadlineMs?: number;
}

/** What a run plans with when attaching: the cluster's id, topology and backend. */
export type AttachTarget = Pick<ClusterState, 'runId' | 'topology' | 'backend'>;

/** `compose`: the compose stack (found when attaching); else the state of run `id`, or of the newest cluster left running on purpose for `latest`. */
export function findAttachable(id: string): AttachTarget {
  return isComposeAttach(id) ? composeAttachTarget() : findState(id);
}

function findState(id: string): ClusterState {
  const states = listStates();
  const detached = states.filter((s) => s.detached);
  const state = id === 'latest' ? detached.at(-1) : readState(id);
  const known = detached.map((s) => s.runId);
  const problems = [`--attach: ${COMPOSE_ATTACH_ID}, latest or one of ${known.length ? known.join(', ') : '(none running)'}`];
  if (!state) {
    throw new BadInputError(id === 'latest' ? 'no cluster is left running to attach to' : `no cluster run "${id}"`, {
      problems, hint: 'start one with npm run cluster -- up',
    });
  }
  if (!state.detached) {
    throw new BadInputError(`cluster ${state.runId} belongs to a running harness (pid ${state.ownerPid}), not left running by cluster up`, { problems });
  }
  return state;
}

export async function attachCluster(id: string, opts: AttachOptions = {}): Promise<StartedCluster> {
  if (isComposeAttach(id)) return attachCompose(opts);
  const state = findState(id);
  const backend = state.backend === 'docker' ? await attachDocker(state) : attachLocal(state);
  const cluster = new Cluster(state.runId, state.topology, state.runDir, state.secrets, backend, {
    owned: false, createdAt: state.createdAt, ownerPid: state.ownerPid, detached: true,
  });
  if (opts.meshDeadlineMs !== 0) await cluster.waitForMesh(opts.meshDeadlineMs ?? 15_000);
  return cluster;
}

function attachLocal(state: ClusterState): Backend {
  if (!state.local) throw new HarnessError(`state file of ${state.runId} has no local part`);
  const dead = Object.entries(state.local.servers).filter(([, s]) => s.pid === null || !pidAlive(s.pid)).map(([n]) => n);
  if (!pidAlive(state.local.toxiproxy.pid)) dead.push('toxiproxy');
  if (dead.length) {
    throw new EnvironmentError(`cluster ${state.runId} is not whole: ${dead.join(', ')} not running`, {
      hint: `npm run cluster -- down --run ${state.runId}, then up again`,
    });
  }
  return LocalBackend.attach(state.topology, state.runDir, state.secrets, state.local);
}

async function attachDocker(state: ClusterState): Promise<Backend> {
  const { DockerBackend } = await import('./docker-backend.ts');
  const variants = Object.fromEntries(state.endpoints.map((e) => [e.name, e.variant]));
  try {
    return await DockerBackend.attach(state.topology, state.runId, state.runDir, state.secrets, variants);
  } catch (cause) {
    throw new EnvironmentError(`cluster ${state.runId} is not whole: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause, hint: `npm run cluster -- down --run ${state.runId}, then up again`,
    });
  }
}
