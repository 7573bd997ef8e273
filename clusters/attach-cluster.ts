// attachCluster(): a StartedCluster view of a cluster another process left running (`npm run
// cluster -- up`, local or docker), rebuilt from its state file, or of the running compose stack
// (`compose`, a reserved id: clusters/compose-attach.ts), or of a cluster brownout did not start at
// all (`external:FILE`, a cluster file: clusters/external-attach.ts). Faults work on it as on one we booted; stop() only
// lets go of it: the servers keep running until `cluster down`, `npm run clean` or `docker-compose down`.
import { BadInputError, EnvironmentError, HarnessError } from '../core/errors.ts';
import { sameProcess } from '../core/process-identity.ts';
import { checkRunId } from '../core/run-id.ts';
import type { Backend } from './backend.ts';
import { Cluster, type StartedCluster } from './cluster.ts';
import { attachCompose, COMPOSE_ATTACH_ID, composeAttachTarget, isComposeAttach } from './compose-attach.ts';
import { attachExternal, EXTERNAL_ATTACH_PREFIX, externalAttachTarget, externalFileOf, isExternalAttach } from './external-attach.ts';
import { LocalBackend } from './local-backend.ts';
import { pidAlive, unrecordedOurs, type ProcessIdentity } from './pids.ts';
import { runProcesses } from './reaper.ts';
import { listStates, readState, scanStates, type BackendKind, type ClusterState, type LocalServerState } from './state-file.ts';
import type { Topology } from './topology.ts';

export interface AttachOptions {
  /** Deadline for the full mesh before attaching (default 15 s); 0 skips the check. */
  meshDeadlineMs?: number;
  /**
   * Taking over from a process that died mid-way (a rollout controller killed while it moved a
   * server): a server found stopped is fine (it is started by whoever goes on), and one running
   * under another pid than the state file says (started after the last save) is adopted.
   */
  resuming?: boolean;
}

/** What a run plans with when attaching: the cluster's id, topology and backend. */
export interface AttachTarget {
  /** The id to attach with (what attachCluster takes). */
  runId: string;
  topology: Topology;
  backend: BackendKind;
}

/**
 * `compose`: the compose stack (found when attaching); `external:FILE`: the cluster file, read and
 * checked (BadInputError naming its problems); else the state of run `id`, or of the newest cluster
 * left running on purpose for `latest`.
 */
export function findAttachable(id: string): AttachTarget {
  if (isComposeAttach(id)) return composeAttachTarget();
  if (isExternalAttach(id)) return externalAttachTarget(id);
  return findState(id);
}

function findState(id: string): ClusterState {
  if (id !== 'latest') checkRunId(id, '--attach');
  const states = id === 'latest' ? listStates() : scanStates().states;
  const detached = states.filter((s) => s.detached);
  const state = id === 'latest' ? detached.at(-1) : readState(id);
  const known = detached.map((s) => s.runId);
  const problems = [`--attach: ${COMPOSE_ATTACH_ID}, ${EXTERNAL_ATTACH_PREFIX}FILE, latest or one of ${known.length ? known.join(', ') : '(none running)'}`];
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
  if (isExternalAttach(id)) return attachExternal(externalFileOf(id), { ...(opts.meshDeadlineMs !== undefined ? { meshDeadlineMs: opts.meshDeadlineMs } : {}) });
  const state = findState(id);
  const backend = state.backend === 'docker' ? await attachDocker(state, opts.resuming === true)
    : state.backend === 'swarm' ? await attachSwarm(state, opts.resuming === true) : attachLocal(state, opts.resuming === true);
  const cluster = new Cluster(state.runId, state.topology, state.runDir, state.secrets, backend, {
    owned: false, createdAt: state.createdAt, ownerPid: state.ownerPid, ...(state.owner ? { owner: state.owner } : {}), detached: true,
  });
  if (opts.meshDeadlineMs !== 0) await cluster.waitForMesh(opts.meshDeadlineMs ?? 15_000);
  return cluster;
}

function attachLocal(state: ClusterState, resuming: boolean): Backend {
  if (!state.local) throw new HarnessError(`state file of ${state.runId} has no local part`);
  const dir = state.runDir.endsWith('/') ? state.runDir : `${state.runDir}/`;
  const conf = (name: string) => `${dir}conf/${name}.conf`;
  // Each process as recorded, if it still is that process; a file from before identities were
  // recorded (pid only) or a server started after the last save is found as ours by binary and config.
  const servers = Object.fromEntries(Object.entries(state.local.servers).map(([n, s]): [string, LocalServerState] => {
    const found = live(s, conf(n)) ?? (resuming ? serverProcess(state.runDir, conf(n)) : undefined);
    return [n, { ...s, pid: found?.pid ?? null, identity: found }];
  }));
  const tp = live(state.local.toxiproxy, `${dir}toxiproxy.json`);
  const dead = Object.entries(servers).filter(([, s]) => !resuming && s.pid === null).map(([n]) => n);
  if (!tp) dead.push('toxiproxy');
  if (dead.length) {
    throw new EnvironmentError(`cluster ${state.runId} is not whole: ${dead.join(', ')} not running`, {
      hint: `npm run cluster -- down --run ${state.runId}, then up again`,
    });
  }
  return LocalBackend.attach(state.topology, state.runDir, state.secrets, { ...state.local, toxiproxy: { ...state.local.toxiproxy, identity: tp! }, servers });
}

/** The recorded process if it still runs as recorded; for a pid-only record, the pid if it is ours by binary and `marker`. */
function live(s: { pid: number | null; identity?: ProcessIdentity | undefined }, marker: string): ProcessIdentity | undefined {
  if (s.identity) return sameProcess(s.identity) ? s.identity : undefined;
  return s.pid === null || !pidAlive(s.pid) ? undefined : unrecordedOurs(s.pid, marker);
}

/** The live nats-server of one server of a local cluster, found by its config file on the command line. */
function serverProcess(runDir: string, conf: string): ProcessIdentity | undefined {
  for (const pid of runProcesses(runDir)) {
    const id = unrecordedOurs(pid, conf);
    if (id) return id;
  }
  return undefined;
}

async function attachSwarm(state: ClusterState, resuming: boolean): Promise<Backend> {
  const { SwarmBackend } = await import('./swarm-backend.ts');
  if (!state.swarm) throw new HarnessError(`state file of ${state.runId} has no swarm part`);
  const variants = Object.fromEntries(state.endpoints.map((e) => [e.name, e.variant]));
  try {
    return await SwarmBackend.attach(state.topology, state.runId, state.secrets, variants, state.swarm, { resuming });
  } catch (cause) {
    throw new EnvironmentError(`swarm cluster ${state.runId} is not whole: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause, hint: `npm run cluster -- down --run ${state.runId}, then up again`,
    });
  }
}

async function attachDocker(state: ClusterState, resuming: boolean): Promise<Backend> {
  const { DockerBackend } = await import('./docker-backend.ts');
  const variants = Object.fromEntries(state.endpoints.map((e) => [e.name, e.variant]));
  try {
    return await DockerBackend.attach(state.topology, state.runId, state.runDir, state.secrets, variants, { resuming });
  } catch (cause) {
    throw new EnvironmentError(`cluster ${state.runId} is not whole: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause, hint: `npm run cluster -- down --run ${state.runId}, then up again`,
    });
  }
}
