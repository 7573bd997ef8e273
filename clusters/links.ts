// The link API that faults use: every cross-region gateway path is a Toxiproxy proxy; a selector
// picks proxies by destination (server or region) and, on docker, by source region.
import { BadInputError } from '../core/errors.ts';
import type { Stream, ToxiproxyClient } from './toxiproxy-client.ts';

/** One proxy: traffic from `from` (a region; null = any region, the local backend) to server `to`. */
export interface ProxyRef {
  name: string;
  from: string | null;
  to: string;
  toRegion: string;
  /** `host:port` the servers dial; a gateway connection to anything else bypasses the proxy. */
  listen: string;
  client: ToxiproxyClient;
}

/**
 * `to`: a server (`lhr-2`) or a region (`lhr`); `from`: a source region (docker only, where each
 * region's traffic crosses its own Toxiproxy). Both omitted: every link.
 */
export interface LinkSelector {
  from?: string;
  to?: string;
}

/** forward = from→to (Toxiproxy "upstream": the dialer's bytes), reverse = to→from. */
export type Direction = 'forward' | 'reverse' | 'both';

export type ToxicSpec = (
  | { type: 'latency'; latencyMs: number; jitterMs?: number }
  | { type: 'bandwidth'; rateKBps: number }
  /** Toxiproxy `timeout` with timeout 0: bytes stop, the connection stays open. */
  | { type: 'blackhole' }
  | { type: 'timeout'; timeoutMs: number }
  | { type: 'reset_peer'; timeoutMs?: number }
  | { type: 'slicer'; averageSize: number; sizeVariation?: number; delayUs?: number }
) & {
  direction?: Direction;
  /** Probability (0..1) that a connection is affected; Toxiproxy draws it once per connection. */
  toxicity?: number;
};

export interface ToxicHandle {
  readonly spec: ToxicSpec;
  /** Proxy names the toxic sits on. */
  readonly links: string[];
  /** Change toxicity and/or attributes (Toxiproxy names, e.g. `latency`, `timeout`) in place. */
  update(patch: { toxicity?: number; attributes?: Record<string, number> }): Promise<void>;
  remove(): Promise<void>;
}

export interface Revertible {
  revert(): Promise<void>;
}

/** One iptables rule of an IP-level loss: where it sits and what it drops (for the timeline). */
export interface LossRule {
  /** Container whose network namespace holds the rule. */
  namespace: string;
  chain: 'INPUT' | 'OUTPUT';
  /** IP matched (`-s` on INPUT, `-d` on OUTPUT) and what it is (a server name or `toxiproxy-<region>`). */
  peer: string;
  peerName: string;
  /** Share of packets dropped. */
  probability: number;
}

export interface LossHandle extends Revertible {
  readonly rules: LossRule[];
}

/** A firewall rule placed in a server's namespace; it stays until the server restarts, or the run tears the cluster down or lets go of it. */
export interface FirewallRule {
  server: string;
  namespace: string;
  rule: string;
}

/** Name lookups refused in some servers' namespaces, until reverted. */
export interface NameLookupOutage extends Revertible {
  readonly rules: FirewallRule[];
}

/** Real IP-level loss, supplied by backends that can do it (docker: iptables statistic). */
export interface PacketLossDriver {
  apply(refs: ProxyRef[], probability: number, at?: 'destination' | 'proxy'): Promise<LossHandle>;
  /** In the servers' namespaces, drop TCP packets of unknown connections instead of answering RST (a stateful host firewall). */
  dropUnknownConnections(servers: string[]): Promise<FirewallRule[]>;
  /** In the servers' namespaces, refuse every DNS lookup (the container's resolver), so configured host names stop resolving. */
  refuseNameLookups(servers: string[]): Promise<NameLookupOutage>;
}

export interface LinkInfo {
  name: string;
  from: string | null;
  to: string;
  toRegion: string;
  listen: string;
}

let seq = 0;

export class Links {
  private readonly lossHandles = new Set<Revertible>();
  /** Scoped links (a user's Toxiproxy): what this object placed, so reset() undoes only that. */
  private readonly placedToxics = new Set<string>();
  private readonly disabledByUs = new Set<ProxyRef>();

  /**
   * `scoped`: the Toxiproxy is not ours (an external cluster's, named in its cluster file): reset()
   * removes only the toxics this object added and enables only the proxies it disabled, never a
   * Toxiproxy-wide /reset that would wipe the user's own toxics.
   */
  constructor(
    private readonly refs: ProxyRef[],
    private readonly regionOf: (server: string) => string | undefined,
    private readonly loss?: PacketLossDriver,
    private readonly scoped = false,
  ) {}

  list(sel: LinkSelector = {}): LinkInfo[] {
    return this.select(sel).map(({ name, from, to, toRegion, listen }) => ({ name, from, to, toRegion, listen }));
  }

  /** Every address a gateway may legitimately dial: the proxies' listen addresses. */
  proxyAddresses(): Set<string> {
    return new Set(this.refs.map((r) => r.listen));
  }

  /** Partition: the proxy stops listening and closes every connection through it. */
  async disable(sel: LinkSelector = {}): Promise<void> {
    await Promise.all(this.select(sel).map(async (r) => { this.disabledByUs.add(r); await r.client.setEnabled(r.name, false); }));
  }

  async enable(sel: LinkSelector = {}): Promise<void> {
    await Promise.all(this.select(sel).map(async (r) => { await r.client.setEnabled(r.name, true); this.disabledByUs.delete(r); }));
  }

  /**
   * Cut a region off: every link into it, and on docker every link out of it. On local, links are
   * per destination only, so the region's own outbound gateways stay up (they cross the others' proxies).
   */
  async partition(region: string): Promise<Revertible> {
    const sels: LinkSelector[] = [{ to: region }];
    if (this.refs.some((r) => r.from !== null)) sels.push({ from: region });
    for (const s of sels) await this.disable(s);
    return { revert: async () => { for (const s of sels) await this.enable(s); } };
  }

  async addToxic(sel: LinkSelector, spec: ToxicSpec): Promise<ToxicHandle> {
    const refs = this.select(sel);
    const toxicity = spec.toxicity ?? 1;
    if (!(toxicity >= 0 && toxicity <= 1)) throw new BadInputError(`toxicity ${toxicity} is outside 0..1`);
    const streams: Stream[] = { forward: ['upstream'], reverse: ['downstream'], both: ['upstream', 'downstream'] }[spec.direction ?? 'both'] as Stream[];
    const [type, attributes] = toxiproxyShape(spec);
    const id = `${spec.type}_${++seq}`;
    const placed: { ref: ProxyRef; toxic: string }[] = [];
    for (const ref of refs) {
      for (const stream of streams) {
        const toxic = `${id}_${stream}`;
        await ref.client.addToxic(ref.name, { name: toxic, type, stream, toxicity, attributes });
        placed.push({ ref, toxic });
        this.placedToxics.add(`${ref.name}\u0000${toxic}`);
      }
    }
    return {
      spec,
      links: refs.map((r) => r.name),
      update: async (patch) => {
        await Promise.all(placed.map((p) => p.ref.client.updateToxic(p.ref.name, p.toxic, patch)));
      },
      remove: async () => {
        await Promise.all(placed.map(async (p) => {
          await p.ref.client.removeToxic(p.ref.name, p.toxic);
          this.placedToxics.delete(`${p.ref.name}\u0000${p.toxic}`);
        }));
      },
    };
  }

  /**
   * Random IP-level drop, both ways, between the source region's proxy and the destination server
   * (docker only). `at: 'proxy'` places the rules in the proxy's namespace, so they survive the
   * server's restart and swallow its FIN/RST (docs/ARCHITECTURE.md, facts: the stuck gateway, way (b)).
   */
  async packetLoss(sel: LinkSelector, probability: number, opts: { at?: 'destination' | 'proxy' } = {}): Promise<LossHandle> {
    const loss = this.requireLoss();
    if (!(probability > 0 && probability <= 1)) throw new BadInputError(`packet-loss probability ${probability} is outside (0, 1]`);
    const h = await loss.apply(this.select(sel), probability, opts.at);
    this.lossHandles.add(h);
    return { rules: h.rules, revert: async () => { this.lossHandles.delete(h); await h.revert(); } };
  }

  /** Whether this backend drops real IP packets (docker) or only has Toxiproxy (local). */
  get ipLossAvailable(): boolean {
    return this.loss !== undefined;
  }

  /**
   * Put the servers behind a stateful firewall (docker only): TCP packets that belong to no
   * connection they know are dropped instead of answered with RST. A restarted server then stays
   * silent to its old peers' retransmissions and keepalive probes, as a host or security group that
   * drops out-of-state packets does. The rule lives until the server's next restart, or until the
   * run tears the cluster down or lets go of it; a heal of the network does not remove it.
   */
  async dropUnknownConnections(servers: string[]): Promise<FirewallRule[]> {
    return this.requireLoss().dropUnknownConnections(servers);
  }

  /**
   * A name-resolution outage in the servers' namespaces (docker, swarm): their DNS lookups are
   * refused, so a route or gateway configured by host name cannot be redialed, while one dialed by
   * IP (learnt by gossip) still can. Reverted by the handle, or by reset().
   */
  async refuseNameLookups(servers: string[]): Promise<NameLookupOutage> {
    const h = await this.requireLoss().refuseNameLookups(servers);
    this.lossHandles.add(h);
    return { rules: h.rules, revert: async () => { this.lossHandles.delete(h); await h.revert(); } };
  }

  private requireLoss(): PacketLossDriver {
    if (!this.loss) throw new BadInputError('IP-level packet loss needs the docker backend', { hint: 'use --backend docker; locally, combine toxics with link flaps' });
    return this.loss;
  }

  /** Back to a clean network: every proxy enabled, no toxics, no packet loss. */
  async reset(): Promise<void> {
    for (const h of [...this.lossHandles]) await h.revert();
    this.lossHandles.clear();
    if (this.scoped) {
      const byName = new Map(this.refs.map((r) => [r.name, r]));
      await Promise.all([...this.placedToxics].map(async (key) => {
        const [proxy, toxic] = key.split('\u0000') as [string, string];
        // Already gone (removed by its fault's revert, or by the user) is fine.
        await byName.get(proxy)?.client.removeToxic(proxy, toxic).catch(() => undefined);
        this.placedToxics.delete(key);
      }));
      await Promise.all([...this.disabledByUs].map(async (r) => { await r.client.setEnabled(r.name, true); this.disabledByUs.delete(r); }));
      return;
    }
    const clients = new Set(this.refs.map((r) => r.client));
    await Promise.all([...clients].map((c) => c.reset()));
  }

  private select(sel: LinkSelector): ProxyRef[] {
    const problems: string[] = [];
    const regions = new Set(this.refs.map((r) => r.toRegion));
    if (sel.to !== undefined && !regions.has(sel.to) && this.regionOf(sel.to) === undefined) {
      problems.push(`to: "${sel.to}" is neither a region (${[...regions].join(', ')}) nor a server`);
    }
    if (sel.from !== undefined) {
      if (this.refs.every((r) => r.from === null)) {
        problems.push('from: links by source region need the docker backend; local proxies are per destination server');
      } else if (!regions.has(sel.from)) problems.push(`from: "${sel.from}" is not a region (${[...regions].join(', ')})`);
    }
    if (problems.length > 0) throw new BadInputError('bad link selector', { problems });
    const picked = this.refs.filter((r) =>
      (sel.to === undefined || r.to === sel.to || r.toRegion === sel.to) && (sel.from === undefined || r.from === sel.from));
    if (picked.length === 0) throw new BadInputError(`no link matches ${JSON.stringify(sel)}`);
    return picked;
  }
}

function toxiproxyShape(spec: ToxicSpec): [string, Record<string, number>] {
  switch (spec.type) {
    case 'latency': return ['latency', { latency: spec.latencyMs, jitter: spec.jitterMs ?? 0 }];
    case 'bandwidth': return ['bandwidth', { rate: spec.rateKBps }];
    case 'blackhole': return ['timeout', { timeout: 0 }];
    case 'timeout': return ['timeout', { timeout: spec.timeoutMs }];
    case 'reset_peer': return ['reset_peer', { timeout: spec.timeoutMs ?? 0 }];
    case 'slicer': return ['slicer', { average_size: spec.averageSize, size_variation: spec.sizeVariation ?? 0, delay: spec.delayUs ?? 0 }];
  }
}
