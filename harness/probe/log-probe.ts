// The log-stream probe: what the platform in the story ships. Publishers in every region publish on
// `logs.<app>.<region>.<instance>` with sequence numbers and send times (`logs` is the subject
// prefix: on an external cluster the user's, e.g. `brownout.probe`, with the credentials its cluster
// file gives the probe, so nothing is published outside it); a subscriber on `logs.>` in
// every region accounts per region pair (publisher region → subscriber region) and appends one
// `probe` record per pair per window. A subscriber that hears nothing for N expected intervals is
// stalled: it resubscribes, then reconnects, by itself (the shipper in the story did neither); the
// decisions are the pure state machine in stall-machine.ts. Which server each client connects to
// comes from the seed (placement.ts). Over 300 lines on purpose: publishers, subscribers and their
// reconnects share one lifecycle and one set of counters; the pure parts (accounting, windows, the
// stall machine, placement) are files of their own.
import { connect, type NatsConnection, type Subscription } from 'nats';
import { authOptions } from '../../clusters/nats-auth.ts';
import type { ClusterView } from '../../clusters/view.ts';
import { BadInputError } from '../../core/errors.ts';
import type { TimelineSink } from '../timeline/writer.ts';
import { PairWindow } from './pair-window.ts';
import { placementOrder } from './placement.ts';
import { initialStall, stallStep, type StallEffect, type StallEvent, type StallState } from './stall-machine.ts';
import { StreamAccounting } from './stream-accounting.ts';

/** One decoder for every message, not a new one per message (the probe runs on every chaos run). */
const DECODER = new TextDecoder();

export interface ProbeOptions {
  timeline: TimelineSink;
  /** The `<app>` subject token; the subscriber ignores other apps on `logs.>`. */
  app?: string;
  /** First subject tokens (default: the view's `probe.subjectPrefix`, else `logs`). */
  subjectPrefix?: string;
  /** Messages per second per publisher instance (default 20). */
  ratePerSecond?: number;
  instancesPerRegion?: number;
  /** Length of one `probe` record's window (default 1000 ms). */
  windowMs?: number;
  /** A message not received this long after it was sent is lost (default 2000 ms). */
  settleMs?: number;
  /** Stalled after this many publish intervals without a message (default 20: 1 s at 20/s). */
  stallIntervals?: number;
  /** Regions to run in (default: all of the view's). */
  regions?: readonly string[];
  /** Seed for client placement (which server of its region each client dials first). Default 0. */
  seed?: number;
}

export interface PairTotals {
  from: string;
  to: string;
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

export interface StartedProbe {
  /** Totals so far per region pair. */
  totals(): PairTotals[];
  /** The server each region's subscriber is connected to now (`none` while disconnected). */
  subscriberServers(): Record<string, string>;
  /** Stop publishing, wait `settleMs` for stragglers, close the last window, disconnect. */
  stop(): Promise<PairTotals[]>;
}

export const DEFAULT_PROBE_SEED = 0;

/** The prefix of clusters brownout starts: `logs.<app>.<region>.<instance>`. */
export const DEFAULT_SUBJECT_PREFIX = 'logs';

interface ProbeConfig {
  app: string; prefix: string; rate: number; instances: number; windowMs: number; settleMs: number;
  regions: string[]; seed: number; intervalMs: number; stallAfterMs: number;
}

interface Publisher { region: string; instance: string; subject: string; seq: number; sends: { seq: number; at: number }[] }
interface Subscriber { region: string; nc: NatsConnection | undefined; sub: Subscription | undefined; stall: StallState; dials: number }

// The wall clock, as every other timeline record (faults, steps, servers) is stamped: the probe's
// windows are judged against their times. A monotonic clock (performance.timeOrigin + now()) drifted
// from Date.now() by 9 s over a 45-minute test process here, which put probe loss inside a fault
// outside that fault's window. Latencies are whole milliseconds.
const now = (): number => Date.now();
const serverOf = (nc: NatsConnection | undefined): string => (nc ? (nc.info?.server_name ?? nc.getServer()) : 'none');

/** Every problem with the options at once, or the resolved configuration. */
export function resolveProbeOptions(view: ClusterView, opts: Omit<ProbeOptions, 'timeline'>): ProbeConfig {
  const c = {
    app: opts.app ?? 'probe', prefix: opts.subjectPrefix ?? view.probe?.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX, rate: opts.ratePerSecond ?? 20, instances: opts.instancesPerRegion ?? 1,
    windowMs: opts.windowMs ?? 1000, settleMs: opts.settleMs ?? 2000, regions: [...(opts.regions ?? view.regions)],
    seed: opts.seed ?? DEFAULT_PROBE_SEED,
  };
  const stallIntervals = opts.stallIntervals ?? 20;
  const problems: string[] = [];
  if (!(c.rate > 0 && c.rate <= 1000)) problems.push(`ratePerSecond: ${c.rate}; allowed (0, 1000]`);
  if (!(Number.isInteger(c.instances) && c.instances >= 1 && c.instances <= 16)) problems.push(`instancesPerRegion: ${c.instances}; allowed 1..16`);
  if (!(c.windowMs >= 100)) problems.push(`windowMs: ${c.windowMs}; allowed ≥ 100`);
  if (!/^[A-Za-z0-9_-]+$/.test(c.app)) problems.push(`app: "${c.app}"; allowed letters, digits, _ and -`);
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(c.prefix)) problems.push(`subjectPrefix: "${c.prefix}"; allowed tokens of letters, digits, _ and -, joined by "."`);
  if (!Number.isInteger(c.seed)) problems.push(`seed: ${c.seed}; allowed an integer`);
  for (const r of c.regions) if (!view.regions.includes(r)) problems.push(`regions: "${r}" is not one of ${view.regions.join(', ')}`);
  if (problems.length > 0) throw new BadInputError('invalid probe options', { problems });
  const intervalMs = 1000 / c.rate;
  return { ...c, intervalMs, stallAfterMs: intervalMs * stallIntervals };
}

/**
 * Connect one client to its region: the servers in the seed's order, tried in that order (no
 * client-side shuffle, no jitter, no gossiped URLs), so the seed alone decides where it lands.
 */
function dial(view: ClusterView, cfg: ProbeConfig, region: string, role: 'pub' | 'sub', attempt: number): Promise<NatsConnection> {
  const order = placementOrder(cfg.seed, `${role}:${region}:${attempt}`, view.endpoints().filter((e) => e.region === region));
  return connect({
    servers: order.map((e) => e.clientUrl), noRandomize: true, ignoreClusterUpdates: true, reconnectJitter: 0,
    ...authOptions(view.probe?.credentials),
    name: `brownout-probe-${role}-${region}`, maxReconnectAttempts: -1, reconnectTimeWait: 250, pingInterval: 2000, timeout: 2000,
  });
}

export async function startProbe(view: ClusterView, opts: ProbeOptions): Promise<StartedProbe> {
  const probe = new LogProbe(view, resolveProbeOptions(view, opts), opts.timeline);
  await probe.connect();
  probe.startTimers();
  return probe.handle();
}

class LogProbe {
  readonly start = now();
  readonly pairs = new Map<string, PairWindow>();
  readonly streams = new Map<string, StreamAccounting>();
  readonly totals = new Map<string, PairTotals>();
  readonly sentInWindow: Map<string, number>;
  readonly sentTotal: Map<string, number>;
  readonly publishers: Publisher[];
  readonly pubConns = new Map<string, NatsConnection>();
  readonly subscribers: Subscriber[];
  stopping = false;
  publishStoppedAt: number | undefined;
  timers: NodeJS.Timeout[] = [];
  #stopped: Promise<PairTotals[]> | undefined;

  constructor(readonly view: ClusterView, readonly cfg: ProbeConfig, readonly timeline: TimelineSink) {
    for (const from of cfg.regions) for (const to of cfg.regions) {
      this.pairs.set(`${from}>${to}`, new PairWindow(from, to, this.start));
      this.totals.set(`${from}>${to}`, { from, to, sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0 });
    }
    this.sentInWindow = new Map(cfg.regions.map((r) => [r, 0]));
    this.sentTotal = new Map(cfg.regions.map((r) => [r, 0]));
    this.publishers = cfg.regions.flatMap((region) => Array.from({ length: cfg.instances }, (_, i) => {
      const instance = `p${i + 1}`;
      return { region, instance, subject: `${cfg.prefix}.${cfg.app}.${region}.${instance}`, seq: 0, sends: [] };
    }));
    this.subscribers = cfg.regions.map((region) => ({ region, nc: undefined, sub: undefined, stall: initialStall(this.start), dials: 0 }));
  }

  /** Connect everything before the first publish, so "no fault" really means zero loss. */
  async connect(): Promise<void> {
    const opened: NatsConnection[] = [];
    try {
      for (const region of this.cfg.regions) {
        const pc = await dial(this.view, this.cfg, region, 'pub', 0);
        opened.push(pc);
        this.pubConns.set(region, pc);
      }
      for (const s of this.subscribers) {
        s.nc = await dial(this.view, this.cfg, s.region, 'sub', s.dials++);
        opened.push(s.nc);
        this.subscribe(s);
        await s.nc.flush();
      }
      // Interest must cross the gateways before the first message, or the first ones are "lost".
      await Promise.all([...this.pubConns.values()].map((c) => c.flush()));
    } catch (err) {
      await Promise.allSettled(opened.map((c) => c.close()));
      throw err;
    }
  }

  subscribe(s: Subscriber): void {
    if (!s.nc) return;
    s.sub = s.nc.subscribe(`${this.cfg.prefix}.>`, { callback: (err, msg) => { if (!err) this.onMessage(s, msg.subject, msg.data); } });
  }

  stream(key: string): StreamAccounting {
    let acc = this.streams.get(key);
    if (!acc) { acc = new StreamAccounting(); this.streams.set(key, acc); }
    return acc;
  }

  onMessage(s: Subscriber, subject: string, data: Uint8Array): void {
    const t = now();
    const [msgApp, from, instance] = subject.slice(this.cfg.prefix.length + 1).split('.');
    if (msgApp !== this.cfg.app || from === undefined || instance === undefined) return;
    const pair = this.pairs.get(`${from}>${s.region}`);
    if (!pair) return;
    let body: { s: number; t: number };
    try { body = JSON.parse(DECODER.decode(data)) as { s: number; t: number }; } catch { return; }
    this.stallEvent(s, { kind: 'message', t });
    const tot = this.totals.get(`${from}>${s.region}`)!;
    const what = this.stream(`${from}.${instance}>${s.region}`).receive(body.s);
    if (what === 'delivered') {
      pair.delivered(t, Math.max(0, t - body.t));
      tot.delivered += 1;
    } else if (what === 'duplicated') {
      pair.duplicated();
      tot.duplicated += 1;
    } else {
      pair.reordered();
      tot.reordered += 1;
    }
  }

  publish(): void {
    if (this.stopping) return;
    const t = now();
    for (const p of this.publishers) {
      const nc = this.pubConns.get(p.region);
      if (!nc || nc.isClosed()) continue;
      try {
        nc.publish(p.subject, JSON.stringify({ s: p.seq + 1, t }));
      } catch {
        continue; // not sent, so not counted: a publisher that cannot publish is not a delivery loss
      }
      p.seq += 1;
      p.sends.push({ seq: p.seq, at: t });
      this.sentInWindow.set(p.region, (this.sentInWindow.get(p.region) ?? 0) + 1);
      this.sentTotal.set(p.region, (this.sentTotal.get(p.region) ?? 0) + 1);
    }
  }

  /** Every message sent up to `at` and never received is lost. */
  settle(at: number): void {
    for (const p of this.publishers) {
      let upTo = 0;
      let drop = 0;
      for (const x of p.sends) { if (x.at <= at) { upTo = x.seq; drop += 1; } else break; }
      if (upTo === 0) continue;
      p.sends.splice(0, drop);
      for (const s of this.subscribers) {
        const lost = this.stream(`${p.region}.${p.instance}>${s.region}`).settle(upTo);
        if (lost === 0) continue;
        this.pairs.get(`${p.region}>${s.region}`)!.lost(lost);
        this.totals.get(`${p.region}>${s.region}`)!.lost += lost;
      }
    }
  }

  closeWindow(t: number): void {
    for (const pair of this.pairs.values()) {
      this.timeline.append(pair.close(Math.round(t), this.sentInWindow.get(pair.from) ?? 0, Math.min(t, this.publishStoppedAt ?? t)));
    }
    for (const r of this.cfg.regions) this.sentInWindow.set(r, 0);
  }

  /** Feed one event to a subscriber's stall machine and do what it says. */
  stallEvent(s: Subscriber, ev: StallEvent): void {
    const r = stallStep(s.stall, ev, this.cfg.stallAfterMs);
    s.stall = r.state;
    for (const e of r.effects) this.perform(s, e);
  }

  perform(s: Subscriber, e: StallEffect): void {
    switch (e.kind) {
      case 'mark-stalled':
        for (const pair of this.pairs.values()) if (pair.to === s.region) pair.markStalled();
        return;
      case 'resubscribe':
        s.sub?.unsubscribe();
        this.subscribe(s);
        return;
      case 'reconnect':
        void this.reconnect(s);
        return;
      case 'record':
        // A reconnect that finishes while the probe stops is not news.
        if (e.phase === 'reconnected' && this.stopping) return;
        this.timeline.append({
          t: Math.round(e.t), kind: 'probe-stall', region: s.region, server: serverOf(s.nc), phase: e.phase, lastMessageAt: Math.round(e.lastMessageAt),
          ...(e.stalledMs !== undefined ? { stalledMs: Math.round(e.stalledMs) } : {}), ...(e.error ? { error: e.error } : {}),
        });
    }
  }

  /** Drop the connection and dial the region afresh (ports may have changed). */
  async reconnect(s: Subscriber): Promise<void> {
    let error: string | undefined;
    try {
      await s.nc?.close().catch(() => undefined);
      s.nc = await dial(this.view, this.cfg, s.region, 'sub', s.dials++);
      this.subscribe(s);
    } catch (err) {
      error = (err as Error).message;
    }
    this.stallEvent(s, { kind: 'reconnected', t: now(), ...(error ? { error } : {}) });
  }

  startTimers(): void {
    const { intervalMs, windowMs, settleMs, stallAfterMs } = this.cfg;
    this.timers = [
      setInterval(() => this.publish(), intervalMs),
      setInterval(() => { const t = now(); this.settle(t - settleMs); this.closeWindow(t); }, windowMs),
      setInterval(() => { if (!this.stopping) for (const s of this.subscribers) this.stallEvent(s, { kind: 'tick', t: now() }); }, Math.max(50, Math.min(stallAfterMs / 2, windowMs))),
    ];
  }

  snapshot(): PairTotals[] {
    return [...this.totals.values()].map((x) => ({ ...x, sent: this.sentTotal.get(x.from) ?? 0 }));
  }

  async #stop(): Promise<PairTotals[]> {
    this.stopping = true;
    this.publishStoppedAt = now();
    const [publishTimer, windowTimer, stallTimer] = this.timers;
    clearInterval(publishTimer);
    clearInterval(stallTimer);
    await new Promise((r) => setTimeout(r, this.cfg.settleMs));
    clearInterval(windowTimer);
    const t = now();
    this.settle(t);
    this.closeWindow(t);
    for (const s of this.subscribers) while (s.stall.busy) await new Promise((r) => setTimeout(r, 50));
    await Promise.allSettled([...this.pubConns.values(), ...this.subscribers.map((s) => s.nc)].map((c) => c?.close()));
    return this.snapshot();
  }

  handle(): StartedProbe {
    return {
      totals: () => this.snapshot(),
      subscriberServers: () => Object.fromEntries(this.subscribers.map((s) => [s.region, s.nc && !s.nc.isClosed() ? serverOf(s.nc) : 'none'])),
      stop: () => (this.#stopped ??= this.#stop()),
    };
  }
}
