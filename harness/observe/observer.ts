// The observer: samples every server's /varz, /routez, /gatewayz and /healthz at a fixed interval,
// counts STATSZ from a system-account subscription, and appends what it saw to the timeline. This
// file is the I/O edge (fetching, sockets, timers, the subscription, the probe); what a round of
// snapshots means is decided by the pure core in round.ts. Over 300 lines on purpose: the timers, the
// adaptive interval and the subscription share one lifecycle (start, stop, the interval's state), and
// every pure part already lives in its own file.
import type { Registry } from 'prom-client';
import type { ClusterView, ServerEndpoint } from '../../clusters/view.ts';
import { BadInputError } from '../../core/errors.ts';
import { mapLimit } from '../../clusters/index.ts';
import { monitorClient, type MonitorClient } from './monitor-http.ts';
import { BrownoutMetrics } from '../metrics/brownout-metrics.ts';
import { startProbe, type ProbeOptions, type StartedProbe } from '../probe/log-probe.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { MemoryTimeline, teeSink, type TimelineSink } from '../timeline/writer.ts';
import { DEFAULT_CONFIRM_SAMPLES } from './link-state.ts';
import { handshakeRegions, regionsWithoutOutbound } from './links-from-monitoring.ts';
import { localProcessInspector, type ProcessInspector } from './local-process.ts';
import { initialState, observeRound, type ObserverState } from './round.ts';
import { LogConnects } from './route-pool.ts';
import { addRound, openWindow, windowDue, windowRecord, type SelfWindow } from './self-cost.ts';
import type { ServerRound } from './server-sample.ts';
import { StatszCounter } from './statsz-counter.ts';
import { subscribeStatsz, type StatszSubscription } from './statsz-subscription.ts';
import { summarize, type ObserverSummary } from './summary.ts';

export interface ObserverOptions {
  timeline: TimelineSink;
  /**
   * Sample interval (default 500 ms). On a large cluster the observer samples no faster than
   * `minIntervalMs(servers)` (50 ms per server above 12, at most 2.5 s: 1.5 s at 30), so its own
   * CPU stays within budget as the cluster grows (bench/results/observer-cost.md).
   */
  intervalMs?: number;
  /** Server name for the STATSZ subscription (default: the first server of the last region). */
  statszOn?: string;
  /** Burst signature: `burstMinMsgs` messages from one ID within `burstWindowMs` (100 ms, 3). */
  burstWindowMs?: number;
  burstMinMsgs?: number;
  /**
   * Consecutive samples that must agree before a link goes down or into handshake (default 2).
   * A server that does not answer is `unknown`; its links go down after max(2, this) such rounds.
   */
  confirmSamples?: number;
  /**
   * Seed for every random choice of the observer and its probe (probe client placement). Default
   * 0: the same placement on every run. The probe's own `seed`, when given, wins.
   */
  seed?: number;
  /** Registers `brownout_*` metrics on this registry and keeps them current. */
  registry?: Registry;
  /** Also run the log-stream probe (its records go to the same timeline). */
  probe?: Omit<ProbeOptions, 'timeline'> | false;
  /** Process RSS/CPU and open sockets (handshake detection); default: /proc when servers are local (never on a monitor-only view: an external cluster). */
  process?: ProcessInspector | false;
  /** Written on the `run` records and the scenario metric. */
  scenario?: string;
  /**
   * Each server's log so far. Given: every LOG_READ_MS, and once more at stop, every server's log is
   * read and its route and gateway connections per second appended as `connects` records
   * (routes.maxConnectsPerSecond), so a rollout's gates see them stage by stage.
   */
  serverLogs?: (name: string) => Promise<string>;
}

export interface StartedObserver {
  /** Every record this observer and its probe appended so far. */
  records(): readonly TimelineRecord[];
  summary(): ObserverSummary;
  /** Append a `note` (also used by tests to mark what they did). */
  note(text: string, level?: 'info' | 'warn' | 'error'): void;
  /** The log-stream probe, when `probe` was given. */
  readonly probe: StartedProbe | undefined;
  /** The sink the chaos runner should append `step` and `fault` records to (reaches metrics too). */
  readonly sink: TimelineSink;
  /** Stop sampling and the probe, flush the last STATSZ seconds, append `run` end; safe twice. */
  stop(): Promise<ObserverSummary>;
}

export const DEFAULT_OBSERVER_SEED = 0;

interface Resolved { intervalMs: number; steadyMs: number; statszEp: ServerEndpoint; confirmSamples: number; seed: number }

const isLocal = (e: ServerEndpoint): boolean => /^(http:\/\/)?(127\.0\.0\.1|localhost)[:/]/.test(e.monitorUrl);
const cpuMicros = (): number => { const c = process.cpuUsage(); return c.user + c.system; };

/** Every problem with the options at once, or the resolved values. */
export function resolveObserverOptions(view: ClusterView, opts: ObserverOptions): Resolved {
  const asked = opts.intervalMs ?? 500;
  const confirmSamples = opts.confirmSamples ?? DEFAULT_CONFIRM_SAMPLES;
  const seed = opts.seed ?? DEFAULT_OBSERVER_SEED;
  const eps = view.endpoints();
  const problems: string[] = [];
  if (!(Number.isFinite(asked) && asked >= 100 && asked <= 60_000)) problems.push(`intervalMs: ${asked}; allowed 100..60000`);
  const intervalMs = Math.max(asked, minIntervalMs(eps.length));
  if (!(Number.isInteger(confirmSamples) && confirmSamples >= 1 && confirmSamples <= 20)) problems.push(`confirmSamples: ${confirmSamples}; allowed 1..20`);
  if (!Number.isInteger(seed)) problems.push(`seed: ${seed}; allowed an integer`);
  const statszOn = opts.statszOn ?? eps.filter((e) => e.region === view.regions[view.regions.length - 1])[0]?.name ?? eps[0]?.name;
  const statszEp = eps.find((e) => e.name === statszOn);
  if (!statszEp) problems.push(`statszOn: "${String(statszOn)}" is not a server; servers are ${eps.map((e) => e.name).join(', ')}`);
  if (problems.length > 0 || !statszEp) throw new BadInputError('invalid observer options', { problems });
  return { intervalMs, steadyMs: steadyIntervalMs(eps.length), statszEp, confirmSamples, seed };
}

/**
 * The fastest the observer samples n servers: each round reads 4 endpoints per server, and the
 * harness's CPU grows with requests per second. Up to 12 servers: no floor.
 */
export function minIntervalMs(servers: number): number {
  return servers <= 12 ? 0 : Math.min(2500, 50 * servers);
}

/**
 * The interval while the cluster is steady, above 12 servers: twice the floor, at most 3 s (3 s at 30
 * servers, 3 s at 96). Up to 12 servers: 0, no stretching (every CI-sized run samples as asked).
 */
export function steadyIntervalMs(servers: number): number {
  return servers <= 12 ? 0 : Math.min(3000, 2 * minIntervalMs(servers));
}

/** Rounds without a link change, an unread server or a fault/step record before the interval stretches. */
export const STEADY_ROUNDS = 4;

/**
 * Adaptive sampling: the asked interval while anything moves, the steady one after STEADY_ROUNDS
 * quiet rounds; any change, unanswered server or fault/step record returns to the asked interval.
 */
export function nextIntervalMs(quietRounds: number, intervalMs: number, steadyMs: number): number {
  return quietRounds >= STEADY_ROUNDS && steadyMs > intervalMs ? steadyMs : intervalMs;
}

/** /healthz is read every this many rounds (and every round while a server was unhealthy or unread). */
export const HEALTH_EVERY = 4;

/** Servers read at once in a round: spreads a round's requests instead of firing 4n together. */
export const ROUND_CONCURRENCY = 8;

/** One server's round of I/O: its snapshot, its process, and (if a gateway is missing) its sockets. */
async function fetchServer(
  client: MonitorClient, ep: ServerEndpoint, regions: readonly string[], timeoutMs: number, inspector: ProcessInspector | undefined,
  health: { check: boolean; last: boolean },
): Promise<ServerRound> {
  const [snap, proc] = await Promise.all([
    client.snapshot(ep.monitorUrl, timeoutMs, health.check, health.last).then((s) => ({ s }), (err: Error) => ({ err })),
    inspector?.sample(ep).catch(() => undefined),
  ]);
  const base = { name: ep.name, region: ep.region, ...(proc ? { proc } : {}) };
  if (!('s' in snap)) return { ...base, error: snap.err.message };
  const missing = regionsWithoutOutbound(snap.s, regions.filter((r) => r !== ep.region));
  if (missing.length === 0 || !inspector) return { ...base, snap: snap.s };
  const open = await inspector.openConnections(ep).catch(() => undefined);
  return { ...base, snap: snap.s, ...(open ? { handshakeRegions: handshakeRegions(snap.s, missing, open) } : {}) };
}

export async function startObserver(view: ClusterView, opts: ObserverOptions): Promise<StartedObserver> {
  const cfg = resolveObserverOptions(view, opts);
  const memory = new MemoryTimeline();
  const metrics = opts.registry ? new BrownoutMetrics(opts.registry) : undefined;
  let loop: SampleLoop | undefined;
  // A fault or step record (the runner's) ends a steady stretch at once: sample as asked again.
  const wake = { append: (r: TimelineRecord) => { if (r.kind === 'fault' || r.kind === 'step') loop?.wake(); } };
  const sink = teeSink(opts.timeline, memory, wake, ...(metrics ? [{ append: (r: TimelineRecord) => metrics.observe(r) }] : []));
  // An external cluster's servers are not ours, even on this host: their monitoring endpoints only, no /proc.
  const inspector = opts.process === false || (view.monitorOnly && opts.process === undefined) ? undefined : (opts.process ?? (view.endpoints().every(isLocal) ? localProcessInspector() : undefined));
  const runRecord = (phase: 'start' | 'end'): TimelineRecord => ({
    t: Date.now(), kind: 'run', phase, runId: view.runId, regions: [...view.regions],
    servers: view.endpoints().map((e) => ({ name: e.name, region: e.region, variant: e.variant })), intervalMs: cfg.intervalMs,
    ...(cfg.steadyMs > cfg.intervalMs ? { steadyIntervalMs: cfg.steadyMs } : {}),
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
  });
  sink.append(runRecord('start'));

  const counter = new StatszCounter({ observedOn: cfg.statszEp.name, windowMs: opts.burstWindowMs, minMsgs: opts.burstMinMsgs });
  const said = new Map<string, string>();
  const statsz = await subscribeStatsz(cfg.statszEp, view.system, (m) => {
    for (const b of counter.add(m)) sink.append(b);
    // statsz.fresh: what each server ID says, whenever it says something new.
    const key = m.content ? JSON.stringify(m.content) : undefined;
    if (m.content && said.get(m.serverId) !== key) {
      said.set(m.serverId, key!);
      sink.append({ t: m.t, kind: 'statsz-content', serverId: m.serverId, serverName: m.serverName, ...m.content, observedOn: cfg.statszEp.name });
    }
  });
  let probe: StartedProbe | undefined;
  try {
    if (opts.probe) probe = await startProbe(view, { seed: cfg.seed, ...opts.probe, timeline: sink });
  } catch (err) {
    await statsz.close();
    throw err;
  }
  loop = new SampleLoop(view, cfg, sink, counter, inspector);
  await loop.start();
  if (metrics && opts.scenario) metrics.setScenario(opts.scenario);
  const connects = opts.serverLogs ? logReader(view, opts.serverLogs, sink) : async () => {};
  return observerHandle({ sink, memory, probe, statsz, loop, connects, end: () => sink.append(runRecord('end')) });
}

/** How often the servers' logs are read for `connects` records. */
export const LOG_READ_MS = 2000;

/**
 * Reads every server's log every LOG_READ_MS (never two reads at once) into `connects` records; the
 * returned function stops the timer and reads everything left. A log that cannot be read is noted once.
 */
function logReader(view: ClusterView, read: (name: string) => Promise<string>, sink: TimelineSink): () => Promise<void> {
  const readers = new Map<string, LogConnects>();
  const warned = new Set<string>();
  let inFlight: Promise<void> = Promise.resolve();
  const pass = async (final: boolean): Promise<void> => {
    for (const ep of view.endpoints()) {
      const log = await read(ep.name).catch((err: Error) => {
        if (!warned.has(ep.name)) sink.append({ t: Date.now(), kind: 'note', level: 'warn', source: 'observer', text: `log of ${ep.name} not read: ${err.message}` });
        warned.add(ep.name);
        return undefined;
      });
      if (log === undefined) continue;
      const r = readers.get(ep.name) ?? new LogConnects(ep);
      readers.set(ep.name, r);
      for (const rec of r.read(log, Date.now(), final)) sink.append(rec);
    }
  };
  const timer = setInterval(() => { inFlight = inFlight.then(() => pass(false)).catch(() => undefined); }, LOG_READ_MS);
  return async () => {
    clearInterval(timer);
    await inFlight;
    await pass(true);
  };
}

/** Rounds on a timer: fetch, hand to the pure core, append what it says, account for our own cost. */
class SampleLoop {
  #state: ObserverState;
  #self: SelfWindow;
  #stopped = false;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> = Promise.resolve();
  #rounds = 0;
  /** Consecutive quiet rounds (no link change, every server read): they stretch the interval. */
  #quiet = 0;
  /** Start of the round running or last run, and when the next one is due. */
  #lastStart = 0;
  #dueAt = 0;
  /** The interval that led to the round now running (for its lateness). */
  #intervalBefore: number;
  readonly #healthy = new Map<string, boolean>();
  readonly #client: MonitorClient = monitorClient(ROUND_CONCURRENCY * 4);

  constructor(
    private readonly view: ClusterView, private readonly cfg: Resolved, private readonly sink: TimelineSink,
    private readonly counter: StatszCounter, private readonly inspector: ProcessInspector | undefined,
  ) {
    const t = Date.now();
    this.#state = initialState(t, counter.totals);
    this.#intervalBefore = cfg.intervalMs;
    this.#self = openWindow(t, cpuMicros());
  }

  /** The first round, awaited, then the timer. */
  async start(): Promise<void> {
    this.#lastStart = Date.now();
    this.#inFlight = this.#round().finally(() => this.#schedule(this.#lastStart + this.cfg.intervalMs));
    await this.#inFlight;
  }

  async #round(): Promise<void> {
    const t = Date.now();
    const every = this.#rounds++ % HEALTH_EVERY === 0;
    const servers = await mapLimit(this.view.endpoints(), ROUND_CONCURRENCY, (ep) => {
      const last = this.#healthy.get(ep.name);
      return fetchServer(this.#client, ep, this.view.regions, Math.max(200, this.cfg.intervalMs), this.inspector, { check: every || last !== true, last: last === true });
    });
    for (const s of servers) this.#healthy.set(s.name, s.snap?.healthy === true);
    const sinceLastMs = t - this.#state.lastRoundAt;
    const r = observeRound(this.#state, { t, regions: this.view.regions, servers, statsz: this.counter.totals }, { confirmSamples: this.cfg.confirmSamples });
    this.#state = r.state;
    const quiet = r.failed === 0 && !r.records.some((x) => x.kind === 'link');
    this.#quiet = quiet ? this.#quiet + 1 : 0;
    for (const x of r.records) this.sink.append(x);
    this.flushStatsz(t);
    this.#self = addRound(this.#self, { tookMs: Date.now() - t, sinceLastMs, intervalMs: this.#intervalBefore, failed: r.failed });
    if (windowDue(this.#self, t)) this.emitSelf(t);
  }

  flushStatsz(t: number, final = false): void {
    const flushed = this.counter.flush(t, { final });
    for (const r of flushed.statsz) this.sink.append(r);
    for (const r of flushed.bursts) this.sink.append(r);
  }

  emitSelf(t: number): void {
    const now = cpuMicros();
    this.sink.append(windowRecord(this.#self, t, now));
    this.#self = openWindow(t, now);
  }

  #nextInterval(): number {
    return nextIntervalMs(this.#quiet, this.cfg.intervalMs, this.cfg.steadyMs);
  }

  // setTimeout chain from each round's start: rounds never overlap, a slow one makes the next late.
  #schedule(at: number): void {
    this.#dueAt = at;
    this.#intervalBefore = at - this.#lastStart;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopped) return;
      this.#lastStart = Date.now();
      this.#inFlight = this.#round().catch((err: Error) => {
        this.sink.append({ t: Date.now(), kind: 'note', level: 'error', source: 'observer', text: `sample round failed: ${err.message}` });
      }).finally(() => { if (!this.#stopped) this.#schedule(this.#lastStart + this.#nextInterval()); });
    }, Math.max(0, at - Date.now()));
  }

  /** Something happens (a fault, a step): end a steady stretch; a round waiting longer than asked comes sooner. */
  wake(): void {
    this.#quiet = 0;
    const asked = this.#lastStart + this.cfg.intervalMs;
    if (this.#timer && !this.#stopped && this.#dueAt > asked) {
      clearTimeout(this.#timer);
      this.#schedule(asked);
    }
  }

  /** No new round starts; the one running finishes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#inFlight;
    this.#client.close();
  }
}

interface HandleParts {
  sink: TimelineSink; memory: MemoryTimeline; probe: StartedProbe | undefined; statsz: StatszSubscription;
  loop: SampleLoop; end: () => void;
  /** Stop reading the servers' logs and read what is left into `connects` records (a no-op without `serverLogs`). */
  connects: () => Promise<void>;
}

function observerHandle(p: HandleParts): StartedObserver {
  let stopping: Promise<ObserverSummary> | undefined;
  return {
    sink: p.sink,
    probe: p.probe,
    records: () => p.memory.records,
    summary: () => summarize(p.memory.records),
    note: (text, level = 'info') => p.sink.append({ t: Date.now(), kind: 'note', level, text }),
    stop: () => {
      stopping ??= (async () => {
        await p.loop.stop();
        if (p.probe) await p.probe.stop();
        await p.statsz.close().catch(() => undefined);
        const t = Date.now();
        p.loop.flushStatsz(t, true);
        p.loop.emitSelf(t);
        await p.connects();
        p.end();
        return summarize(p.memory.records);
      })();
      return stopping;
    },
  };
}
