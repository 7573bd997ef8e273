// Real IP-level packet loss on the docker backend: iptables `statistic --mode random` rules in a
// container's network namespace, entered from the host with nsenter (the kernel has no netem).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { HarnessError } from '../core/errors.ts';
import type { PacketLossDriver, ProxyRef, Revertible } from './links.ts';

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

interface Rule {
  container: string;
  args: string[];
}

export class IptablesLoss implements PacketLossDriver {
  constructor(private readonly backend: ContainerNamespaces) {}

  async apply(refs: ProxyRef[], probability: number, at: LossSide = 'destination'): Promise<Revertible> {
    const rules: Rule[] = [];
    for (const ref of refs) {
      const server = this.backend.serverInfo(ref.to);
      const proxy = this.backend.regionProxies.get(ref.from ?? '');
      if (!proxy) throw new HarnessError(`no toxiproxy for region ${ref.from}`);
      const [container, peer] = at === 'destination' ? [server.container, proxy.ips[server.region]!] : [proxy.container, server.ip];
      const match = ['-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-m', 'comment', '--comment', 'brownout-loss', '-j', 'DROP'];
      rules.push({ container, args: ['INPUT', '-s', peer, ...match] }, { container, args: ['OUTPUT', '-d', peer, ...match] });
    }
    const applied: Rule[] = [];
    try {
      for (const r of rules) {
        await this.iptables(r.container, ['-A', ...r.args]);
        applied.push(r);
      }
    } catch (err) {
      await this.remove(applied);
      throw err;
    }
    return { revert: () => this.remove(applied) };
  }

  private async remove(rules: Rule[]): Promise<void> {
    for (const r of rules) {
      // A restarted container has a fresh namespace without the rule: nothing to remove then.
      await this.iptables(r.container, ['-D', ...r.args]).catch(() => undefined);
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
