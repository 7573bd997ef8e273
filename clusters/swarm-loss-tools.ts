// IP-level loss on swarm tasks: the rule ledger's tools (rule-ledger.ts) for containers named
// `<node id>/<container id>`. A container is looked up through its own node's engine; iptables goes
// into its network namespace with nsenter, which needs the harness on that node's kernel: true for
// the local swarm lab (every engine shares this machine's pid namespace) and for a harness on a
// node. On a real multi-host swarm the same rule goes in through a chaos agent on each node
// (README, swarm section); a node whose engine is not local is refused here, never guessed.
import { EnvironmentError } from '../core/errors.ts';
import { nsenterIptables, type NamespaceNow, type RuleTools } from './rule-ledger.ts';
import type { SwarmEngines } from './swarm-engines.ts';

export function swarmLossTools(engines: SwarmEngines): RuleTools {
  const localPids = new Set<number>();
  return {
    async inspect(key: string): Promise<NamespaceNow | undefined> {
      const [nodeId, container] = key.split('/');
      if (!nodeId || !container) return undefined;
      try {
        const st = await engines.node(nodeId).getContainer(container).inspect();
        const ns = { id: `${nodeId}/${st.Id}`, name: st.Name.replace(/^\//, ''), running: st.State.Running && st.State.Pid > 0, pid: st.State.Pid, startedAt: st.State.StartedAt };
        if (engines.isLocal(nodeId)) localPids.add(ns.pid);
        return ns;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    async iptables(pid: number, args: string[]): Promise<void> {
      if (!localPids.has(pid)) throw new EnvironmentError(`iptables on a remote swarm node's task (pid ${pid} there) needs a chaos agent on that node`, { hint: 'run the harness on the node, or see the README swarm section' });
      await nsenterIptables(pid, args);
    },
  };
}
