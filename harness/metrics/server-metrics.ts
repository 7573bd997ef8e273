// What an operator expects from the servers' own monitoring, beside the brownout_* figures of the
// storm and the stuck gateway: which build each server runs, its traffic and connection counts,
// slow consumers, gateways per region pair, and the probe's longest gap. Fed from the same timeline
// records as the rest (`run`, `varz`, `server`, `link`, `probe`); documented in METRICS.md.
import { Counter, Gauge, type Registry } from 'prom-client';
import { LINK_STATES, type TimelineRecord } from '../timeline/records.ts';

type ServerLabels = 'server' | 'region';

const perRegistry = new WeakMap<Registry, ServerMetrics>();

/** The one ServerMetrics of a registry (see rolloutMetrics): the rollout calls setServerVariant on it. */
export function serverMetrics(registry: Registry): ServerMetrics {
  let m = perRegistry.get(registry);
  if (!m) {
    m = new ServerMetrics(registry);
    perRegistry.set(registry, m);
  }
  return m;
}

export class ServerMetrics {
  readonly info: Gauge<'server' | 'region' | 'variant' | 'version'>;
  readonly up: Gauge<ServerLabels>;
  readonly inMsgs: Counter<ServerLabels>;
  readonly outMsgs: Counter<ServerLabels>;
  readonly inBytes: Counter<ServerLabels>;
  readonly outBytes: Counter<ServerLabels>;
  readonly connections: Gauge<ServerLabels>;
  readonly routes: Gauge<ServerLabels>;
  readonly slowConsumers: Counter<ServerLabels>;
  readonly regionGateways: Gauge<'from' | 'to' | 'state'>;
  readonly probeLongestGap: Gauge<'from' | 'to'>;
  /** server → what the info series says now, so a change replaces the old series. */
  #info = new Map<string, { region: string; variant: string; version: string }>();
  /** server → last /varz slow_consumers and the server ID it came from (a restart starts from 0). */
  #slow = new Map<string, { id: string; total: number }>();
  /** `${server}>${remote}` → gateway state, to count per region pair. */
  #gateways = new Map<string, { from: string; to: string; state: string }>();
  /** Upgrade fault id (or its targets) → each target's variant before it, to restore on revert. */
  #upgrades = new Map<string, Map<string, string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ['server', 'region'] as const;
    this.info = new Gauge({ name: 'brownout_server_info', help: '1 per server with the variant the harness started it as and the version its /varz reports', labelNames: ['server', 'region', 'variant', 'version'], registers });
    this.up = new Gauge({ name: 'brownout_server_up', help: '1 when the server answered its last monitoring sample, 0 when it did not', labelNames, registers });
    this.inMsgs = new Counter({ name: 'brownout_server_in_msgs_total', help: 'Messages the server received (/varz in_msgs deltas)', labelNames, registers });
    this.outMsgs = new Counter({ name: 'brownout_server_out_msgs_total', help: 'Messages the server sent (/varz out_msgs deltas)', labelNames, registers });
    this.inBytes = new Counter({ name: 'brownout_server_in_bytes_total', help: 'Bytes the server received (/varz in_bytes deltas)', labelNames, registers });
    this.outBytes = new Counter({ name: 'brownout_server_out_bytes_total', help: 'Bytes the server sent (/varz out_bytes deltas)', labelNames, registers });
    this.connections = new Gauge({ name: 'brownout_server_connections', help: 'Client connections of the server (/varz connections)', labelNames, registers });
    this.routes = new Gauge({ name: 'brownout_server_routes', help: 'Route connections of the server, pooled routes each counted (/varz routes)', labelNames, registers });
    this.slowConsumers = new Counter({ name: 'brownout_server_slow_consumers_total', help: 'Slow consumers the server reported (/varz slow_consumers deltas)', labelNames, registers });
    this.regionGateways = new Gauge({ name: 'brownout_region_gateways', help: 'Outbound gateways from servers of region `from` to region `to` in each state (up, down, handshake)', labelNames: ['from', 'to', 'state'], registers });
    this.probeLongestGap = new Gauge({ name: 'brownout_probe_longest_gap_seconds', help: 'Longest time between two deliveries from region `from` to region `to` in the last probe window', labelNames: ['from', 'to'], registers });
  }

  /** The rollout calls this when it starts a server as another variant (the `run` record names the first). */
  setServerVariant(server: string, region: string, variant: string): void {
    const cur = this.#info.get(server);
    this.#setInfo(server, { region, variant, version: cur?.version ?? '' });
  }

  observe(r: TimelineRecord): void {
    switch (r.kind) {
      case 'run':
        if (r.phase === 'start') for (const s of r.servers) this.setServerVariant(s.name, s.region, s.variant);
        break;
      case 'server':
        this.up.set({ server: r.server, region: r.region }, r.state === 'unreachable' ? 0 : 1);
        break;
      case 'varz': {
        const labels = { server: r.server, region: r.region };
        this.inMsgs.inc(labels, r.inMsgs);
        this.outMsgs.inc(labels, r.outMsgs);
        this.inBytes.inc(labels, r.inBytes);
        this.outBytes.inc(labels, r.outBytes);
        this.connections.set(labels, r.connections);
        this.routes.set(labels, r.routes);
        this.up.set(labels, 1);
        // Touch the counter so the series exists (at 0) before the first slow consumer.
        this.slowConsumers.inc(labels, slowDelta(this.#slow, r.server, r.serverId, r.slowConsumers));
        const cur = this.#info.get(r.server);
        if (r.version !== undefined && cur?.version !== r.version) this.#setInfo(r.server, { region: r.region, variant: cur?.variant ?? '', version: r.version });
        break;
      }
      case 'link':
        if (r.linkType === 'gateway') {
          this.#gateways.set(`${r.server}>${r.peer}`, { from: r.region, to: r.peer, state: r.state });
          for (const state of LINK_STATES) {
            const n = [...this.#gateways.values()].filter((g) => g.from === r.region && g.to === r.peer && g.state === state).length;
            this.regionGateways.set({ from: r.region, to: r.peer, state }, n);
          }
        }
        break;
      case 'fault':
        if (r.fault === 'upgrade') this.#upgrade(r.id ?? r.targets.join(','), r.phase, r.targets, r.attributes?.['variant']);
        break;
      case 'probe':
        this.probeLongestGap.set({ from: r.from, to: r.to }, r.longestGapMs / 1000);
        break;
      default:
        break;
    }
  }

  /** The `upgrade` fault starts its targets as `attributes.variant`; reverting restores each one's. */
  #upgrade(key: string, phase: 'applied' | 'reverted', targets: string[], variant: unknown): void {
    if (phase === 'applied' && typeof variant === 'string') {
      this.#upgrades.set(key, new Map(targets.map((t) => [t, this.#info.get(t)?.variant ?? ''])));
      for (const t of targets) { const cur = this.#info.get(t); if (cur) this.setServerVariant(t, cur.region, variant); }
    } else if (phase === 'reverted') {
      for (const [t, before] of this.#upgrades.get(key) ?? []) { const cur = this.#info.get(t); if (cur) this.setServerVariant(t, cur.region, before); }
      this.#upgrades.delete(key);
    }
  }

  #setInfo(server: string, next: { region: string; variant: string; version: string }): void {
    const cur = this.#info.get(server);
    if (cur) this.info.remove({ server, region: cur.region, variant: cur.variant, version: cur.version });
    this.info.set({ server, ...next }, 1);
    this.#info.set(server, next);
  }
}

/** Increase of a server's slow-consumer total since its last sample; a new server ID counts from 0. */
export function slowDelta(last: Map<string, { id: string; total: number }>, server: string, id: string, total: number | undefined): number {
  if (total === undefined) return 0;
  const prev = last.get(server);
  last.set(server, { id, total });
  if (!prev || prev.id !== id) return prev ? total : 0;
  return Math.max(0, total - prev.total);
}
