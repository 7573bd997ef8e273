// The rollout's cluster from boot (or attach) to teardown. A cluster the rollout booted is left
// running between controllers, so a restarted controller finds it, and is owned meanwhile by the
// controller driving it (claimCluster); it is stopped only in the teardown, after the reports and
// before the final phase is shown.
import { attachCluster, readState, reapRun, startCluster, type ClusterServer } from '../../../clusters/index.ts';
import { HarnessError } from '../../../core/errors.ts';
import { writeRolloutReports } from '../../report/write-rollout-reports.ts';
import { saveServerLogs } from '../../run/run-files.ts';
import { claimCluster } from './claim-cluster.ts';
import { attachExternalCluster } from './external-cluster.ts';
import type { DriveContext } from './drive-context.ts';

/** Boot the playbook's cluster, or attach to the one the state names; then mark the canary and baseline roles. */
export async function reconcileCluster(x: DriveContext): Promise<void> {
  const s = x.state;
  const pb = s.playbook;
  if (pb.cluster.kind === 'external') {
    // Not ours: attached again by every controller (on start and on resume), never claimed or stopped.
    const resuming = [...s.stages.flatMap((st) => st.servers), ...(s.rollback?.servers ?? [])].some((u) => u.step !== 'pending');
    x.info(`rollout ${s.id}: attaching to the external cluster of ${pb.cluster.file}${resuming ? ' (resuming)' : ''}; its servers move only through the playbook's hooks`);
    x.setCluster(await attachExternalCluster(s, x.deps.progress));
    s.cluster = { owned: false };
    x.save();
    if (resuming) await startServersLeftDown(x);
  } else if (s.cluster.runId && readState(s.cluster.runId)) {
    x.info(`rollout ${s.id}: attaching to cluster ${s.cluster.runId}`);
    // Its own cluster, left by a controller that stopped: this one owns it now (before attaching, so
    // the attached view keeps writing this owner). A cluster from `cluster up` stays its starter's.
    if (s.cluster.owned) claimCluster(s.cluster.runId);
    x.setCluster(await attachCluster(s.cluster.runId, { meshDeadlineMs: 0, resuming: true }));
    await startServersLeftDown(x);
  } else if (s.cluster.owned && pb.cluster.kind === 'topology') {
    if (s.cluster.runId) throw new HarnessError(`cluster ${s.cluster.runId} of this rollout is gone (no state file); it cannot be resumed`);
    x.info(`rollout ${s.id}: booting ${pb.cluster.topology.regions.map((r) => `${r.name}×${r.servers}`).join(' ')} on ${pb.cluster.backend} (${s.baseline})`);
    const cluster = await startCluster(pb.cluster.topology, { backend: pb.cluster.backend, runId: s.id, runDir: s.runDir, progress: x.deps.progress, meshDeadlineMs: 60_000 });
    // Left running on purpose until the rollout ends, so a restarted controller finds it; owned by
    // this controller meanwhile, so the reaper and `clean` leave it alone while it lives.
    cluster.detach();
    claimCluster(cluster.runId);
    x.setCluster(cluster);
    s.cluster = { runId: cluster.runId, owned: true, backend: cluster.backend };
    x.save();
  } else {
    throw new HarnessError(`cluster ${s.cluster.runId ?? '(none)'} of this rollout is not running`);
  }
  s.cluster.backend = x.cluster.backend as typeof s.cluster.backend;
  for (const st of s.stages) if (st.baselinePeer) x.metrics?.setServerRole(st.baselinePeer, x.cluster.server(st.baselinePeer).region, 'baseline');
  if (s.stages[0]?.kind === 'canary') {
    const c = s.stages[0].servers[0];
    if (c) x.metrics?.setServerRole(c.server, c.region, 'canary');
  }
}

/**
 * A controller killed mid-move can leave a server stopped (on docker its container has no address
 * then, so nothing can reach it), or in lame duck: running, but refusing every new client, for as
 * long as its lame duck lasts (a region whose only server is in lame duck takes no client at all).
 * Both are started again, on the variant their state says, before the observer starts; the
 * interrupted move then resumes as usual (a move to what a server already runs does nothing; a
 * move from lame duck does its lame duck again). Waits for the full mesh, so the observer starts on
 * a whole cluster.
 */
async function startServersLeftDown(x: DriveContext): Promise<void> {
  const moves = [...x.state.stages.flatMap((st) => st.servers), ...(x.state.rollback?.servers ?? [])];
  const inLameDuck = new Set(moves.filter((u) => u.step === 'lame-duck').map((u) => u.server));
  const down: ClusterServer[] = [];
  for (const srv of x.cluster.servers()) if (inLameDuck.has(srv.name) || !(await srv.isRunning())) down.push(srv);
  if (!down.length) return;
  x.info(`rollout ${x.id}: ${down.map((v) => `${v.name} (${v.variant}${inLameDuck.has(v.name) ? ', in lame duck' : ''})`).join(', ')} left ${inLameDuck.size ? 'down or in lame duck' : 'down'} by the last controller: starting again`);
  for (const srv of down) {
    if (inLameDuck.has(srv.name) && (await srv.isRunning())) await srv.stop();
    await srv.start();
  }
  const readySeconds = x.state.playbook.stages[x.state.currentStage]?.upgrade.readySeconds ?? 60;
  await x.cluster.waitForMesh(readySeconds * 1000);
}

/** The rollout is over: recorded as ending, so the teardown runs, and is finished by the next controller if this one stops. */
export function endRollout(x: DriveContext, phase: typeof x.state.phase, message: string): void {
  x.state.ending = { phase, message };
  x.save();
}

/**
 * Reports with the final phase, then an owned cluster stopped, and only then the final phase in
 * rollout.json and to watchers: a client that sees it sees nothing of the rollout left running.
 * Each part is safe to do again (a controller stopped mid-way resumes here).
 */
export async function reconcileTeardown(x: DriveContext): Promise<void> {
  const s = x.state;
  const end = s.ending!;
  writeRolloutReports({ ...s, phase: end.phase, message: end.message, ending: undefined }, x.records());
  if (s.cluster.owned && s.cluster.runId) {
    if (x.hasCluster) await saveServerLogs(x.cluster, s.runDir).catch(() => undefined);
    await x.observation.stop();
    const st = readState(s.cluster.runId);
    if (st) {
      x.info(`rollout ${s.id}: stopping cluster ${s.cluster.runId}`);
      const r = await reapRun(st);
      if (r.failed.length) x.info(`rollout ${s.id}: could not remove ${r.failed.join('; ')} (npm run clean retries)`);
    }
    x.setCluster(undefined);
  }
  s.ending = undefined;
  x.setPhase(end.phase, end.message);
  x.info(`rollout ${s.id}: ${s.phase.toUpperCase()}: ${s.message}`);
}
