// Real IP-level packet loss on the docker backend: iptables `statistic --mode random` rules in a
// container's network namespace, entered from the host with nsenter (the kernel has no netem).
// Every rule is written to the run's rule ledger before it goes in and carries its ledger id in its
// comment, so that removal (here, or a later sweep after a crash) matches our rule and no other.
import { groupBy } from '../core/collections.ts';
import { HarnessError } from '../core/errors.ts';
import type { FirewallRule, LossHandle, LossRule, NameLookupOutage, PacketLossDriver, ProxyRef } from './links.ts';
import { dockerRuleTools, ledgerOf, removeRule, type LedgerRule, type RuleLedger, type RuleTools } from './rule-ledger.ts';

/** destination: in the server's namespace, drop what the proxy sends it and what it sends back;
 *  proxy: in the source region's Toxiproxy namespace, drop what the server sends it (FIN and RST
 *  included) and what goes back, so a server restarting behind it never closes the link. */
export type LossSide = 'destination' | 'proxy';

/** What the rules need from the docker backend: containers and their IPs. */
export interface ContainerNamespaces {
  serverInfo(name: string): { container: string; region: string; ip: string };
  readonly regionProxies: ReadonlyMap<string, { container: string; ips: Record<string, string> }>;
}

const TABLE = 'filter';

/** The iptables arguments (after `-A`/`-D`) of one direction of one link's loss; `tag` marks it as ours. Pure. */
export function lossRuleArgs(chain: 'INPUT' | 'OUTPUT', peer: string, probability: number, tag: string): string[] {
  const match = ['-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-m', 'comment', '--comment', `brownout-loss:${tag}`, '-j', 'DROP'];
  return [chain, chain === 'INPUT' ? '-s' : '-d', peer, ...match];
}

/** A stateful host firewall: TCP packets that open no connection and belong to none are dropped, not answered with RST. Pure. */
export function unknownTcpRule(tag: string): string[] {
  return ['INPUT', '-p', 'tcp', '!', '--syn', '-m', 'conntrack', '--ctstate', 'NEW,INVALID', '-m', 'comment', '--comment', `brownout-firewall:${tag}`, '-j', 'DROP'];
}

/** Docker's embedded DNS server, the only nameserver in a container on a user-defined network. */
export const CONTAINER_DNS = '127.0.0.11';

/** In a server's namespace, refuse (ICMP port unreachable, an immediate error) every lookup sent to the container's DNS server. Pure. */
export function refuseLookupsRule(tag: string): string[] {
  return ['OUTPUT', '-d', CONTAINER_DNS, '-m', 'comment', '--comment', `brownout-dns:${tag}`, '-j', 'REJECT'];
}

interface Planned extends LossRule {
  args: (tag: string) => string[];
}

export class IptablesLoss implements PacketLossDriver {
  #ledger?: RuleLedger;
  /** Rules in place: loss not yet reverted, and firewalls, which outlive their fault until release(). */
  readonly #placed = new Map<string, LedgerRule>();

  constructor(
    private readonly backend: ContainerNamespaces,
    private readonly runId: string,
    private readonly tools: RuleTools = dockerRuleTools,
    private readonly ledgerDir?: string,
  ) {}

  async apply(refs: ProxyRef[], probability: number, at: LossSide = 'destination'): Promise<LossHandle> {
    const planned: Planned[] = [];
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
        planned.push({ namespace: container, chain, peer, peerName, probability, args: (tag) => lossRuleArgs(chain, peer, probability, tag) });
      }
    }
    // One namespace's rules in order, namespaces at once: through a helper container (a remote swarm
    // node) each command is a container's life, and a fault applied one rule after another would
    // spend its window placing rules (9 namespaces × 2 rules took 14 s that way).
    const placed: LedgerRule[] = [];
    const outcomes = await Promise.allSettled([...groupBy(planned, (p) => p.namespace)].map(async ([namespace, rules]) => {
      for (const p of rules) placed.push(await this.insert(namespace, p.args));
    }));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) {
      const err = failed.reason as Error;
      await this.remove(placed).catch((e: Error) => { throw new HarnessError(`${err.message}; and undoing the rules placed beside it: ${e.message}`, { cause: err }); });
      throw err;
    }
    return {
      rules: planned.map(({ args: _args, ...r }) => r),
      revert: () => this.remove(placed.splice(0)),
    };
  }

  async dropUnknownConnections(servers: string[]): Promise<FirewallRule[]> {
    const out: FirewallRule[] = [];
    for (const name of servers) {
      const { container } = this.backend.serverInfo(name);
      const r = await this.insert(container, unknownTcpRule);
      out.push({ server: name, namespace: container, rule: `iptables -A ${r.rule.join(' ')}` });
    }
    return out;
  }

  async refuseNameLookups(servers: string[]): Promise<NameLookupOutage> {
    const placed: LedgerRule[] = [];
    const rules: FirewallRule[] = [];
    try {
      for (const name of servers) {
        const { container } = this.backend.serverInfo(name);
        const r = await this.insert(container, refuseLookupsRule);
        placed.push(r);
        rules.push({ server: name, namespace: container, rule: `iptables -A ${r.rule.join(' ')}` });
      }
    } catch (err) {
      await this.remove(placed).catch(() => undefined);
      throw err;
    }
    return { rules, revert: () => this.remove(placed.splice(0)) };
  }

  /** Take out every rule still in place (the cluster is let go of, or torn down); every rule is tried. */
  async release(): Promise<void> {
    await this.remove([...this.#placed.values()]);
  }

  /** Written down first, then inserted: a crash in between leaves a ledger line the sweep resolves. */
  private async insert(container: string, args: (tag: string) => string[]): Promise<LedgerRule> {
    const ns = await this.tools.inspect(container);
    if (!ns?.running) throw new HarnessError(`${container} is not running: no namespace for an iptables rule`);
    this.#ledger ??= ledgerOf(this.runId, this.ledgerDir);
    const id = this.#ledger.nextId();
    const r: LedgerRule = { id, ns: { container: ns.id, name: ns.name, startedAt: ns.startedAt, ...(ns.engine ? { engine: ns.engine } : {}) }, table: TABLE, rule: args(id) };
    this.#ledger.record(r);
    this.#placed.set(id, r);
    try {
      await this.tools.iptables(ns.pid, ['-t', TABLE, '-A', ...r.rule], ns);
    } catch (cause) {
      const failed = new HarnessError(`iptables -A ${r.rule.slice(0, 3).join(' ')} in ${ns.name} failed`, { cause, hint: 'needs root, nsenter and iptables with the statistic match' });
      // Not in, or in doubt: check, and take it out if it is there after all.
      await this.remove([r]).catch((e: Error) => { throw new HarnessError(`${failed.message}; and cleaning it up: ${e.message}`, { cause }); });
      throw failed;
    }
    return r;
  }

  /** Every rule is tried; what could not be removed stays in the ledger for a sweep, and is reported. */
  private async remove(rules: LedgerRule[]): Promise<void> {
    const failed: string[] = [];
    await Promise.all([...groupBy(rules, (r) => r.ns.container)].map(async ([, own]) => {
      for (const r of own) {
        try {
          this.#ledger?.resolved(r.id, await removeRule(this.tools, r));
          this.#placed.delete(r.id);
        } catch (err) {
          failed.push(err instanceof Error ? err.message : String(err));
        }
      }
    }));
    if (failed.length) {
      throw new HarnessError(`could not remove ${failed.length} iptables rule(s): ${failed.join('; ')}`, { hint: 'the rule ledger under runs/.clusters keeps them; npm run clean retries once this process is gone' });
    }
  }
}

