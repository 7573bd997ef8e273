// The log-stream probe: what the platform in the story ships. Publishers in every region publish on
// `logs.<app>.<region>.<instance>` with sequence numbers and send times; a subscriber on `logs.>` in
// every region accounts per region pair (publisher region → subscriber region) and appends one
// `probe` record per pair per window. A subscriber that hears nothing for N expected intervals is
// stalled: it resubscribes, then reconnects, by itself (the shipper in the story did neither).
import { connect, type NatsConnection, type Subscription } from 'nats';
import type { ClusterView } from '../../clusters/view.ts';
import { BadInputError } from '../../core/errors.ts';
import type { TimelineSink } from '../timeline/writer.ts';
import { PairWindow, isStalled } from './pair-window.ts';
import { StreamAccounting } from './stream-accounting.ts';

export interface ProbeOptions {
  timeline: TimelineSink;
  /** The `<app>` subject token; the subscriber ignores other apps on `logs.>`. */
  app?: string;
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

interface Publisher { region: string; instance: string; subject: string; seq: number; sends: { seq: number; at: number }[] }
interface Subscriber {
  region: string;
  nc: NatsConnection | undefined;
  sub: Subscription | undefined;
  lastMessageAt: number;
  state: 'ok' | 'stalled' | 'resubscribed' | 'reconnected';
  actionAt: number;
  busy: boolean;
}

const now = (): number => performance.timeOrigin + performance.now();

export async function startProbe(view: ClusterView, opts: ProbeOptions): Promise<StartedProbe> {
  const app = opts.app ?? 'probe';
  const rate = opts.ratePerSecond ?? 20;
  const instances = opts.instancesPerRegion ?? 1;
  const windowMs = opts.windowMs ?? 1000;
  const settleMs = opts.settleMs ?? 2000;
  const stallIntervals = opts.stallIntervals ?? 20;
  const regions = [...(opts.regions ?? view.regions)];
  const problems: string[] = [];
  if (!(rate > 0 && rate <= 1000)) problems.push(`ratePerSecond: ${rate}; allowed (0, 1000]`);
  if (!(Number.isInteger(instances) && instances >= 1 && instances <= 16)) problems.push(`instancesPerRegion: ${instances}; allowed 1..16`);
  if (!(windowMs >= 100)) problems.push(`windowMs: ${windowMs}; allowed ≥ 100`);
  if (!/^[A-Za-z0-9_-]+$/.test(app)) problems.push(`app: "${app}"; allowed letters, digits, _ and -`);
  for (const r of regions) if (!view.regions.includes(r)) problems.push(`regions: "${r}" is not one of ${view.regions.join(', ')}`);
  if (problems.length > 0) throw new BadInputError('invalid probe options', { problems });

  const intervalMs = 1000 / rate;
  const stallAfterMs = intervalMs * stallIntervals;
  const start = now();
  const urlsOf = (region: string): string[] => view.endpoints().filter((e) => e.region === region).map((e) => e.clientUrl);
  const serverOf = (nc: NatsConnection | undefined): string => (nc ? (nc.info?.server_name ?? nc.getServer()) : 'none');
  const dial = (region: string, role: string): Promise<NatsConnection> => connect({
    servers: urlsOf(region), name: `brownout-probe-${role}-${region}`, maxReconnectAttempts: -1,
    reconnectTimeWait: 250, pingInterval: 2000, timeout: 2000,
  });

  const pairs = new Map<string, PairWindow>();
  const streams = new Map<string, StreamAccounting>();
  const totals = new Map<string, PairTotals>();
  for (const from of regions) for (const to of regions) {
    pairs.set(`${from}>${to}`, new PairWindow(from, to, start));
    totals.set(`${from}>${to}`, { from, to, sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0 });
  }
  const sentInWindow = new Map(regions.map((r) => [r, 0]));
  const sentTotal = new Map(regions.map((r) => [r, 0]));

  const publishers: Publisher[] = regions.flatMap((region) => Array.from({ length: instances }, (_, i) => {
    const instance = `p${i + 1}`;
    return { region, instance, subject: `logs.${app}.${region}.${instance}`, seq: 0, sends: [] };
  }));
  const pubConns = new Map<string, NatsConnection>();
  const subscribers: Subscriber[] = regions.map((region) => ({
    region, nc: undefined, sub: undefined, lastMessageAt: start, state: 'ok', actionAt: 0, busy: false,
  }));

  const onMessage = (s: Subscriber, subject: string, data: Uint8Array): void => {
    const t = now();
    const [, msgApp, from, instance] = subject.split('.');
    if (msgApp !== app || from === undefined || instance === undefined) return;
    const pair = pairs.get(`${from}>${s.region}`);
    if (!pair) return;
    let body: { s: number; t: number };
    try { body = JSON.parse(new TextDecoder().decode(data)) as { s: number; t: number }; } catch { return; }
    if (s.state !== 'ok') {
      opts.timeline.append({ t: Math.round(t), kind: 'probe-stall', region: s.region, server: serverOf(s.nc), phase: 'resumed', lastMessageAt: Math.round(s.lastMessageAt), stalledMs: Math.round(t - s.lastMessageAt) });
      s.state = 'ok';
    }
    s.lastMessageAt = t;
    const skey = `${from}.${instance}>${s.region}`;
    let acc = streams.get(skey);
    if (!acc) { acc = new StreamAccounting(); streams.set(skey, acc); }
    const tot = totals.get(`${from}>${s.region}`)!;
    const what = acc.receive(body.s);
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
  };

  const subscribe = (s: Subscriber): void => {
    if (!s.nc) return;
    s.sub = s.nc.subscribe('logs.>', { callback: (err, msg) => { if (!err) onMessage(s, msg.subject, msg.data); } });
  };

  // Connect everything before the first publish, so "no fault" really means zero loss.
  const opened: NatsConnection[] = [];
  try {
    for (const region of regions) {
      const pc = await dial(region, 'pub');
      opened.push(pc);
      pubConns.set(region, pc);
    }
    for (const s of subscribers) {
      s.nc = await dial(s.region, 'sub');
      opened.push(s.nc);
      subscribe(s);
      await s.nc.flush();
    }
    // Interest must cross the gateways before the first message, or the first ones are "lost".
    await Promise.all([...pubConns.values()].map((c) => c.flush()));
  } catch (err) {
    await Promise.allSettled(opened.map((c) => c.close()));
    throw err;
  }

  let stopping = false;
  const publishTimer = setInterval(() => {
    if (stopping) return;
    const t = now();
    for (const p of publishers) {
      const nc = pubConns.get(p.region);
      if (!nc || nc.isClosed()) continue;
      try {
        nc.publish(p.subject, JSON.stringify({ s: p.seq + 1, t }));
      } catch {
        continue; // not sent, so not counted: a publisher that cannot publish is not a delivery loss
      }
      p.seq += 1;
      p.sends.push({ seq: p.seq, at: t });
      sentInWindow.set(p.region, (sentInWindow.get(p.region) ?? 0) + 1);
      sentTotal.set(p.region, (sentTotal.get(p.region) ?? 0) + 1);
    }
  }, intervalMs);

  const settle = (at: number): void => {
    for (const p of publishers) {
      let upTo = 0;
      let drop = 0;
      for (const x of p.sends) { if (x.at <= at) { upTo = x.seq; drop += 1; } else break; }
      if (upTo === 0) continue;
      p.sends.splice(0, drop);
      for (const s of subscribers) {
        const skey = `${p.region}.${p.instance}>${s.region}`;
        let acc = streams.get(skey);
        if (!acc) { acc = new StreamAccounting(); streams.set(skey, acc); }
        const lost = acc.settle(upTo);
        if (lost > 0) {
          pairs.get(`${p.region}>${s.region}`)!.lost(lost);
          totals.get(`${p.region}>${s.region}`)!.lost += lost;
        }
      }
    }
  };

  let publishStoppedAt: number | undefined;
  const closeWindow = (t: number): void => {
    for (const pair of pairs.values()) opts.timeline.append(pair.close(Math.round(t), sentInWindow.get(pair.from) ?? 0, Math.min(t, publishStoppedAt ?? t)));
    for (const r of regions) sentInWindow.set(r, 0);
  };

  const checkStalls = (t: number): void => {
    for (const s of subscribers) {
      if (s.busy || !isStalled(t, s.lastMessageAt, stallAfterMs, 1)) continue;
      for (const pair of pairs.values()) if (pair.to === s.region) pair.markStalled();
      if (s.state === 'ok') {
        s.state = 'stalled';
        opts.timeline.append({ t: Math.round(t), kind: 'probe-stall', region: s.region, server: serverOf(s.nc), phase: 'stalled', lastMessageAt: Math.round(s.lastMessageAt) });
        // Resubscribe at once: the cheapest repair, and what fixes a subscription lost on a reconnect.
        s.sub?.unsubscribe();
        subscribe(s);
        s.state = 'resubscribed';
        s.actionAt = t;
        opts.timeline.append({ t: Math.round(t), kind: 'probe-stall', region: s.region, server: serverOf(s.nc), phase: 'resubscribed', lastMessageAt: Math.round(s.lastMessageAt) });
      } else if (t - s.actionAt > stallAfterMs) {
        // Still nothing: drop the connection and dial the region afresh (ports may have changed).
        s.busy = true;
        const old = s.nc;
        void (async () => {
          let error: string | undefined;
          try {
            await old?.close().catch(() => undefined);
            s.nc = await dial(s.region, 'sub');
            subscribe(s);
          } catch (err) {
            error = (err as Error).message;
          } finally {
            s.state = 'reconnected';
            s.actionAt = now();
            s.busy = false;
            if (!stopping) {
              opts.timeline.append({
                t: Math.round(s.actionAt), kind: 'probe-stall', region: s.region, server: serverOf(s.nc), phase: 'reconnected',
                lastMessageAt: Math.round(s.lastMessageAt), ...(error ? { error } : {}),
              });
            }
          }
        })();
      }
    }
  };

  const windowTimer = setInterval(() => {
    const t = now();
    settle(t - settleMs);
    closeWindow(t);
  }, windowMs);
  const stallTimer = setInterval(() => { if (!stopping) checkStalls(now()); }, Math.max(50, Math.min(stallAfterMs / 2, windowMs)));

  const snapshot = (): PairTotals[] => [...totals.values()].map((x) => ({ ...x, sent: sentTotal.get(x.from) ?? 0 }));

  let stopped: Promise<PairTotals[]> | undefined;
  return {
    totals: snapshot,
    subscriberServers: () => Object.fromEntries(subscribers.map((s) => [s.region, s.nc && !s.nc.isClosed() ? serverOf(s.nc) : 'none'])),
    stop: () => {
      stopped ??= (async () => {
        stopping = true;
        publishStoppedAt = now();
        clearInterval(publishTimer);
        clearInterval(stallTimer);
        await new Promise((r) => setTimeout(r, settleMs));
        clearInterval(windowTimer);
        const t = now();
        settle(t);
        closeWindow(t);
        for (const s of subscribers) while (s.busy) await new Promise((r) => setTimeout(r, 50));
        await Promise.allSettled([...pubConns.values(), ...subscribers.map((s) => s.nc)].map((c) => c?.close()));
        return snapshot();
      })();
      return stopped;
    },
  };
}
