// Removing a swarm run: its services (their tasks' containers go on every node), then its overlay
// networks, secrets and configs, all found by the run label on the manager; then a check on every
// node's engine that no container of the run is left.
import { setTimeout as sleep } from 'node:timers/promises';
import { addRun, LABEL_RUN, orphanByLabels, type LabeledRun, type Removal } from './docker-resources.ts';
import { SwarmEngines } from './swarm-engines.ts';

export async function removeSwarmRun(engines: SwarmEngines, runId: string, deadlineMs = 60_000): Promise<Removal> {
  const out: Removal = { removed: [], failed: [] };
  const m = engines.manager;
  const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
  for (const s of await m.listServices({ filters })) {
    await m.getService(s.ID).remove().then(() => out.removed.push(`service ${s.Spec?.Name ?? s.ID}`), (e) => note(out, `service ${s.Spec?.Name}`, e));
  }
  // An iptables helper left by a harness killed mid-command (swarm-loss-tools.ts) is no service's task.
  for (const id of engines.nodeIds()) {
    for (const c of await engines.node(id).listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_RUN}=${runId}`, 'brownout.role=iptables-helper'] }) }).catch(() => [])) {
      await engines.node(id).getContainer(c.Id).remove({ force: true }).then(() => out.removed.push(`iptables helper ${c.Names[0] ?? c.Id}`), (e) => note(out, `iptables helper ${c.Id.slice(0, 12)}`, e));
    }
  }
  // A network, secret or config stays busy until the tasks using it are gone from every node.
  const until = Date.now() + deadlineMs;
  let left: string[] = [];
  for (;;) {
    left = [];
    for (const id of engines.nodeIds()) {
      for (const c of await engines.node(id).listContainers({ all: true, filters }).catch(() => [])) left.push(`container ${c.Names[0] ?? c.Id} on node ${id.slice(0, 12)}`);
    }
    if (left.length === 0 || Date.now() > until) break;
    await sleep(300);
  }
  out.failed.push(...left);
  for (let pass = 1; pass <= 20; pass++) {
    const last = pass === 20 || Date.now() > until;
    let busy = false;
    for (const n of await m.listNetworks({ filters })) {
      await m.getNetwork(n.Id).remove().then(() => out.removed.push(`network ${n.Name}`), (e) => { busy = true; if (last) note(out, `network ${n.Name}`, e); });
    }
    for (const s of (await m.listSecrets({ filters })) as { ID: string; Spec?: { Name?: string } }[]) {
      await m.getSecret(s.ID).remove().then(() => out.removed.push(`secret ${s.Spec?.Name}`), (e) => { busy = true; if (last) note(out, `secret ${s.Spec?.Name}`, e); });
    }
    for (const c of (await m.listConfigs({ filters })) as { ID: string; Spec?: { Name?: string } }[]) {
      await m.getConfig(c.ID).remove().then(() => out.removed.push(`config ${c.Spec?.Name}`), (e) => { busy = true; if (last) note(out, `config ${c.Spec?.Name}`, e); });
    }
    if (!busy || last) break;
    await sleep(500);
  }
  return out;
}

/** Everything of a run still on the swarm or any node (empty once removed): for tests and clean. */
export async function swarmRunLeftovers(engines: SwarmEngines, runId: string): Promise<string[]> {
  const m = engines.manager;
  const filters = JSON.stringify({ label: [`${LABEL_RUN}=${runId}`] });
  const out = [
    ...(await m.listServices({ filters })).map((s) => `service ${s.Spec?.Name}`),
    ...(await m.listNetworks({ filters })).map((n) => `network ${n.Name}`),
    ...((await m.listSecrets({ filters })) as { Spec?: { Name?: string } }[]).map((s) => `secret ${s.Spec?.Name}`),
    ...((await m.listConfigs({ filters })) as { Spec?: { Name?: string } }[]).map((c) => `config ${c.Spec?.Name}`),
  ];
  for (const id of engines.nodeIds()) {
    for (const c of await engines.node(id).listContainers({ all: true, filters })) out.push(`container ${c.Names[0]} on node ${id.slice(0, 12)}`);
    for (const n of await engines.node(id).listNetworks({ filters })) out.push(`network ${n.Name} on node ${id.slice(0, 12)}`);
  }
  return out;
}

/** Remove a swarm run through the engines it recorded (or the environment names); a failure when none answers. */
export async function removeSwarmRunFromEnv(runId: string, recorded?: { manager: string; engines: string[] }): Promise<Removal> {
  // The engines the run recorded, else the environment's.
  const env = recorded ? { BROWNOUT_SWARM_HOST: recorded.manager, BROWNOUT_SWARM_ENGINES: recorded.engines.join(',') } : process.env;
  const engines = await SwarmEngines.connect(env).catch(() => undefined);
  if (!engines) return { removed: [], failed: [`swarm run ${runId}: no swarm manager answers (BROWNOUT_SWARM_HOST)`] };
  return removeSwarmRun(engines, runId);
}

function note(out: Removal, what: string, err: unknown): void {
  if ((err as { statusCode?: number }).statusCode === 404) return;
  out.failed.push(`${what}: ${err instanceof Error ? err.message.replace(/^\(HTTP code \d+\) \w+ - /, '').trim() : String(err)}`);
}

/**
 * The label sweep on swarms (clean): runs whose services, networks, secrets or configs carry
 * `brownout.run` but that no state file here knows, whose labeled owner is gone and whose labeled
 * state file does not exist (a harness killed before it wrote it, or one from another runs folder
 * whose folder is gone) are removed on every node. The swarms looked at: the one
 * BROWNOUT_SWARM_HOST/ENGINES name, and the local swarm lab when it is up.
 */
export async function removeOrphanSwarmRuns(known: Set<string>, envs: Record<string, string | undefined>[]): Promise<Removal> {
  const out: Removal = { removed: [], failed: [] };
  const seen = new Set<string>();
  for (const env of envs) {
    const manager = env.BROWNOUT_SWARM_HOST?.trim();
    if (!manager || seen.has(manager)) continue;
    seen.add(manager);
    let engines: SwarmEngines;
    try {
      engines = await SwarmEngines.connect(env);
    } catch (err) {
      out.failed.push(`the swarm at ${manager}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const m = engines.manager;
    const filters = JSON.stringify({ label: [LABEL_RUN] });
    const runs = new Map<string, LabeledRun>();
    for (const s of await m.listServices({ filters })) addRun(runs, (s.Spec?.Labels ?? {}) as Record<string, string>);
    for (const n of await m.listNetworks({ filters })) addRun(runs, n.Labels ?? {});
    for (const x of [...(await m.listSecrets({ filters })), ...(await m.listConfigs({ filters }))] as { Spec?: { Labels?: Record<string, string> } }[]) addRun(runs, x.Spec?.Labels ?? {});
    for (const [runId, r] of runs) {
      if (!orphanByLabels(runId, r, known)) continue;
      const one = await removeSwarmRun(engines, runId, 30_000);
      out.removed.push(...one.removed.map((x) => `${runId} (swarm ${manager}): ${x}`));
      out.failed.push(...one.failed.map((x) => `${runId} (swarm ${manager}): ${x}`));
    }
  }
  return out;
}
