// The `brownout_*` metrics, kept current from timeline records: whatever reaches the timeline
// reaches Prometheus, and nothing else does. Registered on a Registry passed in. Every metric is
// documented in METRICS.md; keep that table and this file in step.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { slidingPeak, statszTimes } from '../timeline/statsz-times.ts';
import { addLinkRecord, latestState, type LinkHistory } from '../timeline/link-history.ts';
import type { RoutePoolRecord, TimelineRecord } from '../timeline/records.ts';
import { rolloutMetrics, type RolloutMetrics } from './rollout-metrics.ts';
import { serverMetrics, type ServerMetrics } from './server-metrics.ts';

/** Buckets for recovery times: the design's bounds (10 s gateway re-establishment) sit mid-range. */
export const RECOVERY_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60, 120];

/** Slots one peer's pool lacks: pooled routes under pool_size, plus pinned accounts without a route. */
function missingCount(r: RoutePoolRecord, p: RoutePoolRecord['peers'][number]): number {
  const accounts = new Set([...r.pinned, ...r.peers.flatMap((x) => x.accounts)]);
  return Math.max(0, r.poolSize - p.pooled) + [...accounts].filter((a) => !p.accounts.includes(a)).length;
}

export class BrownoutMetrics {
  readonly statszMessages: Counter<'server'>;
  readonly statszBytes: Counter<'server'>;
  readonly statszBursts: Counter<'server'>;
  readonly statszPeak: Gauge<'server'>;
  readonly routesUp: Gauge<'server' | 'region'>;
  readonly gatewaysUp: Gauge<'server' | 'region'>;
  readonly gatewaysHandshake: Gauge<'server' | 'region'>;
  readonly recovery: Histogram<'link_type'>;
  readonly rss: Gauge<'server' | 'region'>;
  readonly cpu: Gauge<'server' | 'region'>;
  readonly restarts: Counter<'server' | 'region'>;
  readonly probeSent: Counter<'from' | 'to'>;
  readonly probeDelivered: Counter<'from' | 'to'>;
  readonly probeLost: Counter<'from' | 'to'>;
  readonly probeDuplicated: Counter<'from' | 'to'>;
  readonly probeReordered: Counter<'from' | 'to'>;
  readonly probeLatency: Gauge<'from' | 'to' | 'stat'>;
  readonly probeStalls: Counter<'region'>;
  readonly scenario: Gauge<'scenario' | 'step'>;
  readonly faultsActive: Gauge<'fault'>;
  readonly observerCpu: Gauge;
  readonly routePoolMissing: Gauge<'server' | 'region'>;
  readonly routeConnects: Counter<'server' | 'region' | 'link_type'>;
  /** Every link's history (the one link-history reducer), to count links up per server. */
  #links = new Map<string, LinkHistory>();
  /** From the servers' own monitoring: build info, traffic, connections, gateways per region pair. */
  readonly servers: ServerMetrics;
  /** Set by the rollout controller through its setters. */
  readonly rollout: RolloutMetrics;
  /** Per server: receive times of its latest STATSZ (the last 2 s) and its peak so far. */
  #peaks = new Map<string, { recent: number[]; peak: number }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.statszMessages = new Counter({ name: 'brownout_statsz_messages_total', help: 'STATSZ messages received from the server (by name, all its IDs) on the system-account subscription', labelNames: ['server'], registers });
    this.statszBytes = new Counter({ name: 'brownout_statsz_bytes_total', help: 'STATSZ payload bytes received from the server on the system-account subscription', labelNames: ['server'], registers });
    this.statszBursts = new Counter({ name: 'brownout_statsz_bursts_total', help: 'STATSZ bursts (several messages from one server ID within 100 ms) from the server', labelNames: ['server'], registers });
    this.statszPeak = new Gauge({ name: 'brownout_statsz_peak_per_second', help: 'Most STATSZ messages from the server in any 1 s so far (sliding window over receive times, as the verdict counts)', labelNames: ['server'], registers });
    this.routesUp = new Gauge({ name: 'brownout_route_connections_up', help: 'Peers in its region to which the server has a route up', labelNames: ['server', 'region'], registers });
    this.gatewaysUp = new Gauge({ name: 'brownout_gateway_connections_up', help: 'Remote regions to which the server has a registered outbound gateway', labelNames: ['server', 'region'], registers });
    this.gatewaysHandshake = new Gauge({ name: 'brownout_gateway_connections_handshake', help: 'Outbound gateways of the server stuck in handshake (connected, not registered)', labelNames: ['server', 'region'], registers });
    this.recovery = new Histogram({ name: 'brownout_handshake_recovery_seconds', help: 'Seconds from a route or gateway leaving up until its handshake completed again', labelNames: ['link_type'], buckets: RECOVERY_BUCKETS, registers });
    this.routePoolMissing = new Gauge({ name: 'brownout_route_pool_missing', help: 'Route pool slots the server lacks over the peers it routes to: pooled routes under pool_size, and pinned-account routes absent (routes.poolComplete)', labelNames: ['server', 'region'], registers });
    this.routeConnects = new Counter({ name: 'brownout_route_connects_total', help: 'Route and gateway connections the server created, counted from its log (routes.maxConnectsPerSecond)', labelNames: ['server', 'region', 'link_type'], registers });
    this.rss = new Gauge({ name: 'brownout_server_rss_bytes', help: 'Resident memory of the server (process RSS when the backend exposes it, else /varz mem)', labelNames: ['server', 'region'], registers });
    this.cpu = new Gauge({ name: 'brownout_server_cpu_percent', help: 'CPU of the server in percent of one core, from /varz', labelNames: ['server', 'region'], registers });
    this.restarts = new Counter({ name: 'brownout_server_restarts_total', help: 'Times the server came back with a new server ID', labelNames: ['server', 'region'], registers });
    const pair = ['from', 'to'] as const;
    this.probeSent = new Counter({ name: 'brownout_probe_sent_total', help: 'Log-probe messages published in region `from` (counted once per subscriber region `to`)', labelNames: pair, registers });
    this.probeDelivered = new Counter({ name: 'brownout_probe_delivered_total', help: 'Log-probe messages from region `from` delivered to the subscriber in region `to`', labelNames: pair, registers });
    this.probeLost = new Counter({ name: 'brownout_probe_lost_total', help: 'Log-probe messages from `from` never delivered to `to` within the settle time', labelNames: pair, registers });
    this.probeDuplicated = new Counter({ name: 'brownout_probe_duplicated_total', help: 'Log-probe messages delivered more than once', labelNames: pair, registers });
    this.probeReordered = new Counter({ name: 'brownout_probe_reordered_total', help: 'Log-probe messages delivered after a later one from the same publisher', labelNames: pair, registers });
    this.probeLatency = new Gauge({ name: 'brownout_probe_latency_seconds', help: 'Publish-to-delivery latency in the last probe window; stat is p50, p99 or max', labelNames: ['from', 'to', 'stat'], registers });
    this.probeStalls = new Counter({ name: 'brownout_probe_stalls_total', help: 'Times the log-probe subscriber in the region stalled', labelNames: ['region'], registers });
    this.scenario = new Gauge({ name: 'brownout_scenario_step_info', help: '1 for the scenario and step running now', labelNames: ['scenario', 'step'], registers });
    this.faultsActive = new Gauge({ name: 'brownout_faults_active', help: 'Faults of this type applied and not yet reverted', labelNames: ['fault'], registers });
    this.observerCpu = new Gauge({ name: 'brownout_observer_cpu_percent', help: 'CPU of the harness process (observer and probe) in percent of one core', registers });
    this.servers = serverMetrics(registry);
    this.rollout = rolloutMetrics(registry);
  }

  /** Before any step starts: the scenario with step "-". */
  setScenario(scenario: string, step = '-'): void {
    this.scenario.reset();
    this.scenario.set({ scenario, step }, 1);
  }

  observe(r: TimelineRecord): void {
    this.servers.observe(r);
    switch (r.kind) {
      case 'statsz': {
        this.statszMessages.inc({ server: r.serverName }, r.msgs);
        this.statszBytes.inc({ server: r.serverName }, r.bytes);
        const p = this.#peaks.get(r.serverName) ?? { recent: [], peak: 0 };
        const recent = [...p.recent, ...statszTimes(r)].sort((a, b) => a - b);
        // Records come a second at a time, in order: 2 s of history holds any 1 s window across them.
        p.recent = recent.filter((t) => t > recent[recent.length - 1]! - 2000);
        p.peak = Math.max(p.peak, slidingPeak(recent, 1000).peak);
        this.#peaks.set(r.serverName, p);
        this.statszPeak.set({ server: r.serverName }, p.peak);
        break;
      }
      case 'statsz-burst':
        this.statszBursts.inc({ server: r.serverName });
        break;
      case 'link': {
        addLinkRecord(this.#links, r);
        if (r.recoveryMs !== undefined) this.recovery.observe({ link_type: r.linkType }, r.recoveryMs / 1000);
        const mine = [...this.#links.values()].filter((h) => h.server === r.server).map((h) => ({ linkType: h.linkType, state: latestState(h)?.state }));
        const labels = { server: r.server, region: r.region };
        this.routesUp.set(labels, mine.filter((l) => l.linkType === 'route' && l.state === 'up').length);
        this.gatewaysUp.set(labels, mine.filter((l) => l.linkType === 'gateway' && l.state === 'up').length);
        this.gatewaysHandshake.set(labels, mine.filter((l) => l.linkType === 'gateway' && l.state === 'handshake').length);
        break;
      }
      case 'varz': {
        const labels = { server: r.server, region: r.region };
        this.rss.set(labels, r.procRssBytes ?? r.rssBytes);
        this.cpu.set(labels, r.cpuPercent);
        break;
      }
      case 'route-pool':
        this.routePoolMissing.set({ server: r.server, region: r.region }, r.peers.reduce((n, p) => n + missingCount(r, p), 0));
        break;
      case 'connects':
        if (r.routes) this.routeConnects.inc({ server: r.server, region: r.region, link_type: 'route' }, r.routes);
        if (r.gateways) this.routeConnects.inc({ server: r.server, region: r.region, link_type: 'gateway' }, r.gateways);
        break;
      case 'server':
        if (r.state === 'restarted') this.restarts.inc({ server: r.server, region: r.region });
        break;
      case 'probe': {
        const labels = { from: r.from, to: r.to };
        this.probeSent.inc(labels, r.sent);
        this.probeDelivered.inc(labels, r.delivered);
        this.probeLost.inc(labels, r.lost);
        this.probeDuplicated.inc(labels, r.duplicated);
        this.probeReordered.inc(labels, r.reordered);
        if (r.latencyMs) {
          this.probeLatency.set({ ...labels, stat: 'p50' }, r.latencyMs.p50 / 1000);
          this.probeLatency.set({ ...labels, stat: 'p99' }, r.latencyMs.p99 / 1000);
          this.probeLatency.set({ ...labels, stat: 'max' }, r.latencyMs.max / 1000);
        }
        break;
      }
      case 'probe-stall':
        if (r.phase === 'stalled') this.probeStalls.inc({ region: r.region });
        break;
      case 'step':
        if (r.phase === 'start') this.setScenario(r.scenario, r.name);
        break;
      case 'fault':
        this.faultsActive.inc({ fault: r.fault }, r.phase === 'applied' ? 1 : -1);
        break;
      case 'observer':
        this.observerCpu.set(r.cpuPercent);
        break;
      default:
        break;
    }
  }
}
