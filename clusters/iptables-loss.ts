// Real IP-level packet loss on the docker backend: iptables `statistic --mode random` rules in a
// container's network namespace, entered from the host with nsenter (the kernel has no netem).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HarnessError } from '../core/errors.ts';
import type { FirewallRule, LossHandle, LossRule, PacketLossDriver, ProxyRef } from './links.ts';

const run = promisify(execFile);

/** destination: in the server's namespace, drop what the proxy sends it and what it sends back;
 *  proxy: in the source region's Toxiproxy namespace, drop what the server sends it (FIN and RST
 *  included) and what goes back, so a server restarting behind it never closes the link. */
export type LossSide = 'destination' | 'proxy';

/** What the rules need from the docker backend: containers, their IPs and their namespaces' pids. */
export interface ContainerNamespaces {
  serverInfo(name: string): { container: string; region: string; ip: string };
  readonly regionProxies: ReadonlyMap<string, { container: string; ips: Record<string, string> }>;
  pidOf(container: string): Promise<number>;
}

interface Rule extends LossRule {
  args: string[];
}

/** The iptables arguments (after `-A`/`-D`) of one direction of one link's loss. Pure. */
export function lossRuleArgs(chain: 'INPUT' | 'OUTPUT', peer: string, probability: number): string[] {
  const match = ['-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-m', 'comment', '--comment', 'brownout-loss', '-j', 'DROP'];
  return [chain, chain === 'INPUT' ? '-s' : '-d', peer, ...match];
}

/** A stateful host firewall: TCP packets that open no connection and belong to none are dropped, not answered with RST. Pure. */
export const UNKNOWN_TCP_RULE = ['INPUT', '-p', 'tcp', '!', '--syn', '-m', 'conntrack', '--ctstate', 'NEW,INVALID', '-m', 'comment', '--comment', 'brownout-firewall', '-j', 'DROP'];

export class IptablesLoss implements PacketLossDriver {
  constructor(private readonly backend: ContainerNamespaces) {}

  async apply(refs: ProxyRef[], probability: number, at: LossSide = 'destination'): Promise<LossHandle> {
    const rules: Rule[] = [];
    const seen = new Set<string>();
    for (const ref of refs) {
      const server = this.backend.serverInfo(ref.to);
      const proxy = this.backend.regionProxies.get(ref.from ?? '');
      if (!proxy) throw new HarnessError(`no toxiproxy for region ${ref.from}`);
      const [container, peer, peerName] = at === 'destination'
        ? [server.container, proxy.ips[server.region]!, `toxiproxy-${ref.from}`]
        : [proxy.container, server.ip, ref.to];
      const key = `${container} ${peer}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const chain of ['INPUT', 'OUTPUT'] as const) {
        rules.push({ namespace: container, chain, peer, peerName, probability, args: lossRuleArgs(chain, peer, probability) });
      }
    }
    return this.place(rules);
  }

  private async place(rules: Rule[]): Promise<LossHandle> {
    const applied: Rule[] = [];
    try {
      for (const r of rules) {
        await this.iptables(r.namespace, ['-A', ...r.args]);
        applied.push(r);
      }
    } catch (err) {
      await this.remove(applied);
      throw err;
    }
    return {
      rules: applied.map(({ args: _args, ...r }) => r),
      revert: () => this.remove(applied.splice(0)),
    };
  }

  async dropUnknownConnections(servers: string[]): Promise<FirewallRule[]> {
    const out: FirewallRule[] = [];
    for (const name of servers) {
      const { container } = this.backend.serverInfo(name);
      await this.iptables(container, ['-A', ...UNKNOWN_TCP_RULE]);
      out.push({ server: name, namespace: container, rule: `iptables -A ${UNKNOWN_TCP_RULE.join(' ')}` });
    }
    return out;
  }

  private async remove(rules: Rule[]): Promise<void> {
    for (const r of rules) {
      // A restarted container has a fresh namespace without the rule: nothing to remove then.
      await this.iptables(r.namespace, ['-D', ...r.args]).catch(() => undefined);
    }
  }

  private async iptables(container: string, args: string[]): Promise<void> {
    const pid = await this.backend.pidOf(container);
    try {
      await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', '5', ...args]);
    } catch (cause) {
      throw new HarnessError(`iptables ${args.slice(0, 4).join(' ')} in ${container} failed`, { cause, hint: 'needs root, nsenter and iptables with the statistic match' });
    }
  }
}
