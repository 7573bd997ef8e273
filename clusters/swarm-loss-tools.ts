// IP-level loss on swarm tasks: the rule ledger's tools (rule-ledger.ts) for containers named
// `<node id>/<container id>`. A container is looked up through its own node's engine. The rule goes
// into the task's network namespace one of two ways:
// - nsenter from here, when the node's engine is a unix socket on this machine (the harness shares
//   that node's kernel and pid namespace: the local swarm lab, or a harness on a node);
// - a short-lived helper container started through that node's engine, in the task's namespace
//   (`NetworkMode: container:<task>`), with NET_ADMIN and no other capability, not privileged, no
//   mounts, from our FROM-scratch iptables image (iptables-image.ts) loaded into the node: the only
//   way for an engine reached over SSH or TLS, and forced for every node by BROWNOUT_SWARM_LOSS=helper.
// Helper containers carry the run's label and are removed after each command, on every path.
import { existsSync } from 'node:fs';
import Docker from 'dockerode';
import { HarnessError } from '../core/errors.ts';
import { runLabels } from './docker-resources.ts';
import { ensureIptablesImage } from './iptables-image.ts';
import { nsenterIptables, type LedgerRule, type NamespaceNow, type RuleTools } from './rule-ledger.ts';
import { engineOptions, type SwarmEngines } from './swarm-engines.ts';
import { demuxLogs } from '../core/docker-engine.ts';

export const LABEL_ROLE = 'brownout.role';
export const HELPER_ROLE = 'iptables-helper';

/** Pure: whether a node's rules go through the helper container (`BROWNOUT_SWARM_LOSS=helper` forces it; `nsenter` or unset: only remote nodes). */
export function lossPath(local: boolean, env: Record<string, string | undefined> = process.env): 'nsenter' | 'helper' {
  return env.BROWNOUT_SWARM_LOSS === 'helper' || !local ? 'helper' : 'nsenter';
}

/** The create options of one helper run: least privilege, in the task's network namespace. Pure. */
export function helperContainerOptions(image: string, taskContainer: string, args: string[], runId: string): Docker.ContainerCreateOptions {
  return {
    Image: image,
    Cmd: ['-w', '5', ...args],
    Labels: { ...runLabels(runId), [LABEL_ROLE]: HELPER_ROLE },
    HostConfig: { NetworkMode: `container:${taskContainer}`, CapDrop: ['ALL'], CapAdd: ['NET_ADMIN'], Privileged: false, Binds: [], Mounts: [] },
  };
}

export interface SwarmLossOptions {
  runId: string;
  /** The helper image's tag, loaded into that node's engine. */
  helperImage(nodeId: string): Promise<string>;
  /** Called with each helper container as the engine created it (tests check its privileges). */
  onHelper?(info: Docker.ContainerInspectInfo): void;
}

/** What the tools need of a swarm's engines: a node's engine, whether it is a socket here, its address. */
export type NodeEngines = Pick<SwarmEngines, 'node' | 'isLocal' | 'addressOf'>;

export function swarmLossTools(engines: NodeEngines, opts: SwarmLossOptions): RuleTools {
  return {
    async inspect(key: string): Promise<NamespaceNow | undefined> {
      const [nodeId, container] = key.split('/');
      if (!nodeId || !container) return undefined;
      try {
        const st = await engines.node(nodeId).getContainer(container).inspect();
        const engine = engines.addressOf(nodeId);
        return { id: `${nodeId}/${st.Id}`, name: st.Name.replace(/^\//, ''), running: st.State.Running && st.State.Pid > 0, pid: st.State.Pid, startedAt: st.State.StartedAt, ...(engine ? { engine } : {}) };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    async iptables(pid: number, args: string[], ns?: NamespaceNow): Promise<void> {
      const [nodeId, container] = (ns?.id ?? '').split('/');
      if (!nodeId || !container) throw new HarnessError(`iptables on a swarm task needs its container (pid ${pid})`);
      if (lossPath(engines.isLocal(nodeId)) === 'nsenter') return nsenterIptables(pid, args);
      await helperIptables(engines.node(nodeId), await opts.helperImage(nodeId), container, args, opts);
    },
  };
}

/**
 * The tools of a crash sweep (`clean`) for the rules a dead run left in swarm tasks: each rule's
 * container is looked up through the engine its ledger line names (the node's own, reached as the
 * run reached it), never the host's. A unix socket that no longer exists is an engine that is gone
 * with its containers (the lab taken down): the rule went with them. An engine that does not answer
 * otherwise is a failure, and the ledger stays for the next sweep.
 */
export function ledgerRuleTools(runId: string, hostTools: RuleTools): (r: LedgerRule) => RuleTools {
  const byEngine = new Map<string, RuleTools>();
  return (r) => {
    const address = r.ns.engine;
    if (!address) return hostTools;
    let tools = byEngine.get(address);
    if (!tools) {
      tools = engineRuleTools(address, runId);
      byEngine.set(address, tools);
    }
    return tools;
  };
}

/** The run's own tools, on the one engine a ledger line names, whatever node id the line carries. */
function engineRuleTools(address: string, runId: string): RuleTools {
  const local = address.startsWith('unix:');
  let engine: Docker | undefined;
  const one: NodeEngines = { node: () => (engine ??= new Docker(engineOptions(address))), isLocal: () => local, addressOf: () => address };
  let image: Promise<string> | undefined;
  const tools = swarmLossTools(one, { runId, helperImage: () => (image ??= ensureIptablesImage()) });
  // A unix socket that is gone: its engine went, and its containers (and their rules) with it.
  if (local && !existsSync(new URL(address).pathname)) return { ...tools, inspect: async () => undefined };
  // An engine that does not answer is named in the sweep's failure line.
  const inspect = (key: string) => tools.inspect(key).catch((err: unknown) => {
    throw new HarnessError(`swarm node engine ${address}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  return { ...tools, inspect };
}

/** One iptables command in a task's namespace through a helper container; rejects with iptables' exit status in `code`. */
async function helperIptables(d: Docker, image: string, task: string, args: string[], opts: SwarmLossOptions): Promise<void> {
  const c = await d.createContainer(helperContainerOptions(image, task, args, opts.runId));
  try {
    if (opts.onHelper) opts.onHelper(await c.inspect());
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      const logs = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      const stderr = demuxLogs(logs).trim();
      throw Object.assign(new Error(`iptables ${args.slice(0, 4).join(' ')} in helper exited ${StatusCode}: ${stderr}`), { code: StatusCode, stderr });
    }
  } finally {
    await c.remove({ force: true }).catch((e: { statusCode?: number }) => { if (e.statusCode !== 404) throw e; });
  }
}

