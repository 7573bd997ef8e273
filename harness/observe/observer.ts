// The observer: samples every server's /varz, /routez, /gatewayz and /healthz at a fixed interval,
// counts STATSZ from a system-account subscription, and appends what it saw to the timeline:
// link transitions, per-server counters and memory, STATSZ per second and bursts, the cross-check,
// and its own CPU cost. Optionally runs the log-stream probe and feeds a metrics registry.
import type { Registry } from 'prom-client';
import type { ClusterView, ServerEndpoint } from '../../clusters/view.ts';
import { BadInputError } from '../../core/errors.ts';
import { BrownoutMetrics } from '../metrics/brownout-metrics.ts';
import { startProbe, type ProbeOptions, type StartedProbe } from '../probe/log-probe.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { MemoryTimeline, teeSink, type TimelineSink } from '../timeline/writer.ts';
import { advanceLinks, type LinkObservation, type LinkTable } from './link-state.ts';
import { gatewayAddresses, observeLinks } from './links-from-monitoring.ts';
import { cpuPercent, localProcessInspector, type ProcessInspector, type ProcessSample } from './local-process.ts';
import { fetchSnapshot, type MonitorSnapshot } from '../../core/nats-monitoring.ts';
import { StatszCounter } from './statsz-counter.ts';
import { subscribeStatsz, type StatszSubscription } from './statsz-subscription.ts';
import { summarize, type ObserverSummary } from './summary.ts';

export interface ObserverOptions {
  timeline: TimelineSink;
  /** Sample interval (default 500 ms). */
  intervalMs?: number;
  /** Server name for the STATSZ subscription (default: the first server of the last region). */
  statszOn?: string;
  /** Burst signature: `burstMinMsgs` messages from one ID within `burstWindowMs` (100 ms, 3). */
  burstWindowMs?: number;
  burstMinMsgs?: number;
  /** Registers `brownout_*` metrics on this registry and keeps them current. */
  registry?: Registry;
  /** Also run the log-stream probe (its records go to the same timeline). */
  probe?: Omit<ProbeOptions, 'timeline'> | false;
  /** Process RSS/CPU and open sockets (handshake detection); default: /proc when servers are local. */
  process?: ProcessInspector | false;
  /** Written on the `run` records and the scenario metric. */
  scenario?: string;
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

interface ServerTrack {
  id?: string;
  reachable?: boolean;
  varz?: { t: number; out_msgs: number; out_bytes: number; in_msgs: number; in_bytes: number };
  conns: Map<string, { msgs: number; bytes: number }>;
  proc?: ProcessSample & { t: number };
}

const isLocal = (e: ServerEndpoint): boolean => /^(http:\/\/)?(127\.0\.0\.1|localhost)[:/]/.test(e.monitorUrl);

export async function startObserver(view: ClusterView, opts: ObserverOptions): Promise<StartedObserver> {
  const intervalMs = opts.intervalMs ?? 500;
  const eps0 = view.endpoints();
  const problems: string[] = [];
  if (!(Number.isFinite(intervalMs) && intervalMs >= 100 && intervalMs <= 60_000)) problems.push(`intervalMs: ${intervalMs}; allowed 100..60000`);
  const statszOn = opts.statszOn ?? eps0.filter((e) => e.region === view.regions[view.regions.length - 1])[0]?.name ?? eps0[0]?.name;
  const statszEp = eps0.find((e) => e.name === statszOn);
  if (!statszEp) problems.push(`statszOn: "${String(statszOn)}" is not a server; servers are ${eps0.map((e) => e.name).join(', ')}`);
  if (problems.length > 0 || !statszEp) throw new BadInputError('invalid observer options', { problems });

  const memory = new MemoryTimeline();
  const metrics = opts.registry ? new BrownoutMetrics(opts.registry) : undefined;
  const sink = teeSink(opts.timeline, memory, ...(metrics ? [{ append: (r: TimelineRecord) => metrics.observe(r) }] : []));
  const inspector = opts.process === false ? undefined : (opts.process ?? (eps0.every(isLocal) ? localProcessInspector() : undefined));

  const runRecord = (phase: 'start' | 'end'): TimelineRecord => ({
    t: Date.now(), kind: 'run', phase, runId: view.runId, regions: [...view.regions],
    servers: view.endpoints().map((e) => ({ name: e.name, region: e.region, variant: e.variant })), intervalMs,
    ...(opts.scenario ? { scenario: opts.scenario } : {}),
  });
  sink.append(runRecord('start'));

  const counter = new StatszCounter({ observedOn: statszEp.name, windowMs: opts.burstWindowMs, minMsgs: opts.burstMinMsgs });
  const statsz: StatszSubscription = await subscribeStatsz(statszEp, view.system, (m) => {
    for (const b of counter.add(m)) sink.append(b);
  });

  let probe: StartedProbe | undefined;
  try {
    if (opts.probe) probe = await startProbe(view, { ...opts.probe, timeline: sink });
  } catch (err) {
    await statsz.close();
    throw err;
  }

  let links: LinkTable = new Map();
  const tracks = new Map<string, ServerTrack>();
  let lastStatsz = counter.totals;
  let lastRoundAt = Date.now();
  let selfWindow = { t: Date.now(), cpu: process.cpuUsage(), samples: 0, late: 0, sampleMs: 0, failed: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  async function sampleServer(ep: ServerEndpoint): Promise<{ ep: ServerEndpoint; snap?: MonitorSnapshot; error?: string; proc?: ProcessSample }> {
    const [snap, proc] = await Promise.all([
      fetchSnapshot(ep.monitorUrl, Math.max(200, intervalMs)).then((s) => ({ s }), (err: Error) => ({ err })),
      inspector?.sample(ep).catch(() => undefined),
    ]);
    return 's' in snap ? { ep, snap: snap.s, proc } : { ep, error: snap.err.message, proc };
  }

  async function round(): Promise<void> {
    const t = Date.now();
    const eps = view.endpoints();
    const results = await Promise.all(eps.map(sampleServer));
    const observations: LinkObservation[] = [];
    const check = { varzOutMsgs: 0, varzOutBytes: 0, routeOutMsgs: 0, routeOutBytes: 0, gatewayOutMsgs: 0, gatewayOutBytes: 0, servers: 0 };
    for (const { ep, snap, error, proc } of results) {
      const tr: ServerTrack = tracks.get(ep.name) ?? { conns: new Map() };
      tracks.set(ep.name, tr);
      if (!snap) {
        selfWindow.failed += 1;
        if (tr.reachable !== false) sink.append({ t, kind: 'server', server: ep.name, region: ep.region, state: 'unreachable', ...(tr.id ? { serverId: tr.id } : {}), ...(error ? { error } : {}) });
        tr.reachable = false;
      } else {
        const v = snap.varz;
        const restarted = tr.id !== undefined && tr.id !== v.server_id;
        if (restarted) sink.append({ t, kind: 'server', server: ep.name, region: ep.region, state: 'restarted', serverId: v.server_id, previousId: tr.id });
        else if (tr.reachable !== true) sink.append({ t, kind: 'server', server: ep.name, region: ep.region, state: 'up', serverId: v.server_id });
        tr.reachable = true;
        const sameProcess = tr.varz !== undefined && !restarted;
        if (restarted) tr.conns.clear();
        const d = (cur: number, prev: number | undefined): number => (sameProcess && prev !== undefined ? Math.max(0, cur - prev) : 0);
        const procCpu = proc && tr.proc ? cpuPercent(tr.proc, proc, t - tr.proc.t) : undefined;
        sink.append({
          t, kind: 'varz', server: ep.name, region: ep.region, serverId: v.server_id, intervalMs: sameProcess ? t - tr.varz!.t : 0,
          outMsgs: d(v.out_msgs, tr.varz?.out_msgs), outBytes: d(v.out_bytes, tr.varz?.out_bytes),
          inMsgs: d(v.in_msgs, tr.varz?.in_msgs), inBytes: d(v.in_bytes, tr.varz?.in_bytes),
          rssBytes: v.mem, cpuPercent: Math.max(0, v.cpu),
          ...(proc ? { procRssBytes: proc.rssBytes } : {}), ...(procCpu !== undefined ? { procCpuPercent: procCpu } : {}),
          connections: v.connections, routes: v.routes, healthy: snap.healthy,
        });
        if (sameProcess) {
          check.servers += 1;
          check.varzOutMsgs += d(v.out_msgs, tr.varz?.out_msgs);
          check.varzOutBytes += d(v.out_bytes, tr.varz?.out_bytes);
        }
        // Per-connection out counters: a connection new since the last sample counts from zero.
        const conns = new Map<string, { msgs: number; bytes: number }>();
        for (const r of snap.routez.routes ?? []) conns.set(`r${r.rid}`, { msgs: r.out_msgs, bytes: r.out_bytes });
        for (const [name, g] of Object.entries(snap.gatewayz.outbound_gateways ?? {})) if (g.connection) conns.set(`go${g.connection.cid}:${name}`, { msgs: g.connection.out_msgs, bytes: g.connection.out_bytes });
        for (const [name, list] of Object.entries(snap.gatewayz.inbound_gateways ?? {})) for (const g of list) if (g.connection) conns.set(`gi${g.connection.cid}:${name}`, { msgs: g.connection.out_msgs, bytes: g.connection.out_bytes });
        if (sameProcess) {
          for (const [key, c] of conns) {
            const p = tr.conns.get(key);
            const dm = Math.max(0, c.msgs - (p?.msgs ?? 0));
            const db = Math.max(0, c.bytes - (p?.bytes ?? 0));
            if (key.startsWith('r')) { check.routeOutMsgs += dm; check.routeOutBytes += db; } else { check.gatewayOutMsgs += dm; check.gatewayOutBytes += db; }
          }
        }
        tr.conns = conns;
        tr.id = v.server_id;
        tr.varz = { t, out_msgs: v.out_msgs, out_bytes: v.out_bytes, in_msgs: v.in_msgs, in_bytes: v.in_bytes };
      }
      tr.proc = proc ? { ...proc, t } : undefined;

      // Handshake: a gateway that is not registered but whose server holds a socket to that region.
      const expected = {
        server: ep.name, region: ep.region,
        routePeers: eps.filter((e) => e.region === ep.region && e.name !== ep.name).map((e) => e.name),
        gatewayPeers: view.regions.filter((r) => r !== ep.region),
      };
      const handshake = new Set<string>();
      if (snap && inspector) {
        const missing = expected.gatewayPeers.filter((r) => !snap.gatewayz.outbound_gateways?.[r]?.connection);
        if (missing.length > 0) {
          const open = await inspector.openConnections(ep).catch(() => undefined);
          const addrs = gatewayAddresses(snap);
          if (open) for (const r of missing) if ([...(addrs.get(r) ?? [])].some((a) => open.has(a))) handshake.add(r);
        }
      }
      observations.push(...observeLinks(expected, snap, handshake));
    }
    const adv = advanceLinks(links, observations, t);
    links = adv.table;
    for (const r of adv.records) sink.append(r);

    const flushed = counter.flush(t);
    for (const r of flushed.statsz) sink.append(r);
    for (const r of flushed.bursts) sink.append(r);
    const totals = counter.totals;
    sink.append({ t, kind: 'statsz-check', from: lastRoundAt, to: t, statszMsgs: totals.msgs - lastStatsz.msgs, statszBytes: totals.bytes - lastStatsz.bytes, ...check });
    lastStatsz = totals;

    const took = Date.now() - t;
    selfWindow.samples += 1;
    selfWindow.sampleMs += took;
    if (t - lastRoundAt > intervalMs * 1.5) selfWindow.late += 1;
    lastRoundAt = t;
    if (t - selfWindow.t >= 1000) emitSelf(t);
  }

  function emitSelf(t: number): void {
    const cpu = process.cpuUsage(selfWindow.cpu);
    const windowMs = Math.max(1, t - selfWindow.t);
    sink.append({
      t, kind: 'observer', cpuPercent: ((cpu.user + cpu.system) / 1000 / windowMs) * 100, windowMs,
      samples: selfWindow.samples, lateSamples: selfWindow.late, sampleMs: selfWindow.samples ? selfWindow.sampleMs / selfWindow.samples : 0, failedRequests: selfWindow.failed,
    });
    selfWindow = { t, cpu: process.cpuUsage(), samples: 0, late: 0, sampleMs: 0, failed: 0 };
  }

  // setTimeout chain from each round's start: rounds never overlap, a slow one makes the next late.
  const schedule = (at: number): void => {
    timer = setTimeout(() => {
      if (stopped) return;
      const started = Date.now();
      inFlight = round().catch((err: Error) => {
        sink.append({ t: Date.now(), kind: 'note', level: 'error', source: 'observer', text: `sample round failed: ${err.message}` });
      }).finally(() => { if (!stopped) schedule(started + intervalMs); });
    }, Math.max(0, at - Date.now()));
  };
  inFlight = round().finally(() => schedule(lastRoundAt + intervalMs));
  await inFlight;
  if (metrics && opts.scenario) metrics.setScenario(opts.scenario);

  let stopping: Promise<ObserverSummary> | undefined;
  return {
    sink,
    probe,
    records: () => memory.records,
    summary: () => summarize(memory.records),
    note: (text, level = 'info') => sink.append({ t: Date.now(), kind: 'note', level, text }),
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await inFlight;
        if (probe) await probe.stop();
        await statsz.close().catch(() => undefined);
        const t = Date.now();
        const flushed = counter.flush(t, { final: true });
        for (const r of flushed.statsz) sink.append(r);
        for (const r of flushed.bursts) sink.append(r);
        emitSelf(t);
        sink.append(runRecord('end'));
        return summarize(memory.records);
      })();
      return stopping;
    },
  };
}
