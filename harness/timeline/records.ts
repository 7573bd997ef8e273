// The timeline: every record the observer, the probe and the chaos runner append to a run's
// `timeline.ndjson`. Verdicts are pure functions over these records, so each record carries every
// figure a verdict needs (no lookups into other files). Every record has `t` (ms since epoch, when
// it was written or when the window it describes ended) and `kind`.
import { z } from 'zod';

const ms = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
const base = { t: ms };

export const LINK_STATES = ['up', 'down', 'handshake'] as const;
export type LinkState = (typeof LINK_STATES)[number];

/**
 * A route or gateway of one server changed state. One record per transition, plus one per link
 * when the observer starts (`previous: null`). `handshake`: an outbound gateway exists in
 * /gatewayz but the remote has not registered it (no inbound from that gateway, or the outbound
 * has no connection yet): the stuck-gateway state, which is not `up`.
 */
export const linkRecord = z.object({
  ...base,
  kind: z.literal('link'),
  /** Server name (`iad-1`) that reports the link. */
  server: z.string(),
  region: z.string(),
  linkType: z.enum(['route', 'gateway']),
  /** Route: the peer's server name. Gateway: the remote region (gateway name). */
  peer: z.string(),
  state: z.enum(LINK_STATES),
  previous: z.enum(LINK_STATES).nullable(),
  /** When the link entered `state` (ms epoch); the sample time that first saw it. */
  since: ms,
  /** When it was last up before leaving `up` (ms epoch); set on every non-up state and on recovery. */
  downSince: ms.optional(),
  /** On a transition to `up` after being down or in handshake: `since - downSince`. */
  recoveryMs: ms.optional(),
  /** Free detail: outbound/inbound counts for gateways, the peer's server ID for routes. */
  detail: z.string().optional(),
});

/** STATSZ counted from the system-account subscription, per sending server, per wall-clock second. */
export const statszRecord = z.object({
  ...base,
  kind: z.literal('statsz'),
  /** Start of the one-second window (ms epoch, a multiple of 1000). */
  second: ms,
  serverId: z.string(),
  serverName: z.string(),
  msgs: count,
  bytes: count,
  /**
   * Receive time of each message, ms after `second` (0..999), so rates can be judged over a
   * sliding window, not only per wall-clock second. Absent in timelines written before it existed.
   */
  offsetsMs: z.array(count).optional(),
  /** Server name the subscription is on. */
  observedOn: z.string(),
});

/**
 * What one server's STATSZ said (statsz.fresh): written for the first message of each server ID
 * and whenever what it says changes, with the receive time.
 */
export const statszContentRecord = z.object({
  ...base,
  kind: z.literal('statsz-content'),
  serverId: z.string(),
  serverName: z.string(),
  /** Distinct names of the servers its `routes` list (RouteStat `name`), sorted. */
  routePeers: z.array(z.string()),
  /** Route connections it lists (pooled and pinned). */
  routes: count,
  /** `active_servers`: the servers it knows in the super-cluster, itself included. */
  activeServers: count,
  observedOn: z.string(),
});

/** Several STATSZ from one server ID within `windowMs` (100 ms): the storm signature. */
export const statszBurstRecord = z.object({
  ...base,
  kind: z.literal('statsz-burst'),
  serverId: z.string(),
  serverName: z.string(),
  /** Messages in the burst: a run from one ID with gaps of at most `windowMs`. */
  msgs: count,
  /** Most messages inside any `windowMs` window of the burst; at least `minMsgs`. */
  peak: count,
  bytes: count,
  /** Receive time of the first and last message of the burst (ms epoch). */
  first: ms,
  last: ms,
  windowMs: ms,
  minMsgs: count,
  observedOn: z.string(),
});

/**
 * Cross-check for one sample interval: what the subscription counted against what the servers
 * say they sent. Reported side by side, never reconciled: route totals include account events.
 */
export const statszCheckRecord = z.object({
  ...base,
  kind: z.literal('statsz-check'),
  from: ms,
  to: ms,
  /** STATSZ messages and bytes received by the subscription in [from, to). */
  statszMsgs: count,
  statszBytes: count,
  /** Sum over servers of /varz out_msgs and out_bytes deltas. */
  varzOutMsgs: count,
  varzOutBytes: count,
  /** Sum over servers of /routez and /gatewayz per-connection out_msgs/out_bytes deltas. */
  routeOutMsgs: count,
  routeOutBytes: count,
  gatewayOutMsgs: count,
  gatewayOutBytes: count,
  /** Servers whose deltas are included (a server that restarted in the interval is left out). */
  servers: count,
});

/** One server's /varz sample: deltas since the previous sample of the same server ID, plus gauges. */
export const varzRecord = z.object({
  ...base,
  kind: z.literal('varz'),
  server: z.string(),
  region: z.string(),
  serverId: z.string(),
  /** Length of the delta window (ms); 0 on a server's first sample (deltas are then 0). */
  intervalMs: ms,
  outMsgs: count,
  outBytes: count,
  inMsgs: count,
  inBytes: count,
  /** /varz `mem` (RSS bytes) and `cpu` (percent of one core), as the server reports them. */
  rssBytes: count,
  cpuPercent: z.number().nonnegative(),
  /** From the process or container, when the backend exposes it. */
  procRssBytes: count.optional(),
  procCpuPercent: z.number().nonnegative().optional(),
  connections: count,
  routes: count,
  /** /varz `version` (a built variant stamps its name into it, e.g. `2.10.14+brownout`). */
  version: z.string().optional(),
  /** /varz `slow_consumers`: the server's total since it started (not a delta). */
  slowConsumers: count.optional(),
  /** /healthz answered `ok`. */
  healthy: z.boolean(),
});

/**
 * One server's route pool as its /routez lists it (routes.poolComplete). Written on the first
 * sample of each server process, whenever the pool changes, and whenever a route id appears that
 * the previous sample of the same process did not list. /routez gives no pool index (not even in
 * 2.15), so a slot is counted: unpinned routes per peer against `poolSize`, pinned ones by account.
 */
export const routePoolRecord = z.object({
  ...base,
  kind: z.literal('route-pool'),
  server: z.string(),
  region: z.string(),
  serverId: z.string(),
  /** Unpinned routes each peer should have: /varz `cluster.pool_size`, or 1 when pooling is off (-1). */
  poolSize: count,
  /** Accounts with a route of their own to each peer: the system account when pooling is on (2.10+). */
  pinned: z.array(z.string()),
  peers: z.array(z.object({
    peerId: z.string(),
    /** /routez `remote_name` (the peer's server name), or its ID when absent. */
    peer: z.string(),
    /** Routes to the peer with no `account`. */
    pooled: count,
    /** Accounts of the peer's pinned routes. */
    accounts: z.array(z.string()),
  })),
  /** Route ids listed now that the previous sample of the same process did not list (0 on its first sample). */
  newRoutes: count,
});

/**
 * Route and gateway connections one server created in one wall-clock second, counted from its own
 * log after the run (routes.maxConnectsPerSecond): a connection refused at authentication never
 * shows in /routez, so monitoring cannot count a reconnect loop. Routes: `Route connection created`;
 * gateways: `Creating outbound gateway connection` and `Processing inbound gateway connection`.
 */
export const connectsRecord = z.object({
  ...base,
  kind: z.literal('connects'),
  server: z.string(),
  region: z.string(),
  /** Start of the one-second window (ms epoch, a multiple of 1000), as the server's log stamps it. */
  second: ms,
  routes: count,
  gateways: count,
  source: z.literal('log'),
});

/** A server became reachable, unreachable, or came back with a new ID (a restart). */
export const serverRecord = z.object({
  ...base,
  kind: z.literal('server'),
  server: z.string(),
  region: z.string(),
  state: z.enum(['up', 'unreachable', 'restarted']),
  serverId: z.string().optional(),
  previousId: z.string().optional(),
  error: z.string().optional(),
});

const latency = z.object({ p50: z.number(), p99: z.number(), max: z.number() });

/** Log-stream probe, one region pair (publishers in `from`, subscriber in `to`), one window. */
export const probeRecord = z.object({
  ...base,
  kind: z.literal('probe'),
  from: z.string(),
  to: z.string(),
  windowStart: ms,
  windowEnd: ms,
  /** Messages the publishers in `from` sent in the window. */
  sent: count,
  /** Distinct sequence numbers first received in the window. */
  delivered: count,
  /** Sequence numbers skipped over (a later one arrived) and not filled in by the window's end. */
  lost: count,
  duplicated: count,
  /** Arrived after a higher sequence number from the same publisher. */
  reordered: count,
  /** Publish-to-receive latency (ms) of messages delivered in the window; null when none. */
  latencyMs: latency.nullable(),
  /** Longest time between two consecutive deliveries from this pair (ms), window included. */
  longestGapMs: ms,
  /** The subscriber was stalled at some point in the window. */
  stalled: z.boolean(),
});

/** A probe subscriber saw nothing for N expected intervals; `resumed` when it got messages again. */
export const probeStallRecord = z.object({
  ...base,
  kind: z.literal('probe-stall'),
  /** Region of the stalled subscriber. */
  region: z.string(),
  server: z.string(),
  phase: z.enum(['stalled', 'resubscribed', 'reconnected', 'resumed']),
  /** When the last message before the stall arrived (ms epoch). */
  lastMessageAt: ms,
  /** On `resumed`: from the last message before the stall to the first after it. */
  stalledMs: ms.optional(),
  error: z.string().optional(),
});

/** A scenario step; written by the chaos runner. */
export const stepRecord = z.object({
  ...base,
  kind: z.literal('step'),
  scenario: z.string(),
  /** Index in the scenario's step list, and its name. */
  index: count,
  name: z.string(),
  phase: z.enum(['start', 'end']),
  /** On `end`: whether the step did what it said. */
  ok: z.boolean().optional(),
  error: z.string().optional(),
});

/** A fault applied to or reverted from links or servers; written by the chaos runner. */
export const faultRecord = z.object({
  ...base,
  kind: z.literal('fault'),
  /**
   * One id per applied fault (`f1`, `f2`, ...), the same on its `applied` and `reverted` records,
   * so the verdict pairs them by id. Absent only in timelines written before ids existed.
   */
  id: z.string().optional(),
  /** Index of the step (in the run's flat list of played steps) that applied it. */
  step: count.optional(),
  /** Fault type: latency, blackhole, partition, kill, restart, ... */
  fault: z.string(),
  phase: z.enum(['applied', 'reverted']),
  /** What it hit: link names (`iad→lhr`) or server names (`iad-1`). */
  targets: z.array(z.string()),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

/** The observer's own cost and health, once per second: keep it from perturbing the servers. */
export const observerRecord = z.object({
  ...base,
  kind: z.literal('observer'),
  /** CPU the harness process used over the window, percent of one core. */
  cpuPercent: z.number().nonnegative(),
  windowMs: ms,
  samples: count,
  /** Sample rounds that started later than one interval after the previous one. */
  lateSamples: count,
  /** Mean time one full sample round took (ms). */
  sampleMs: z.number().nonnegative(),
  failedRequests: count,
});

/** Run boundaries, with what was observed. */
export const runRecord = z.object({
  ...base,
  kind: z.literal('run'),
  phase: z.enum(['start', 'end']),
  runId: z.string(),
  regions: z.array(z.string()),
  servers: z.array(z.object({ name: z.string(), region: z.string(), variant: z.string() })),
  intervalMs: ms,
  /** The interval after a few quiet rounds (adaptive sampling above 12 servers); absent: never stretched. */
  steadyIntervalMs: ms.optional(),
  scenario: z.string().optional(),
});

export const noteRecord = z.object({
  ...base,
  kind: z.literal('note'),
  level: z.enum(['info', 'warn', 'error']),
  text: z.string(),
  source: z.string().optional(),
});

export const timelineRecord = z.discriminatedUnion('kind', [
  linkRecord, statszRecord, statszContentRecord, statszBurstRecord, statszCheckRecord, varzRecord, serverRecord,
  routePoolRecord, connectsRecord, probeRecord, probeStallRecord, stepRecord, faultRecord, observerRecord, runRecord, noteRecord,
]);

export type LinkRecord = z.infer<typeof linkRecord>;
export type StatszRecord = z.infer<typeof statszRecord>;
export type StatszBurstRecord = z.infer<typeof statszBurstRecord>;
export type StatszContentRecord = z.infer<typeof statszContentRecord>;
export type StatszCheckRecord = z.infer<typeof statszCheckRecord>;
export type VarzRecord = z.infer<typeof varzRecord>;
export type ServerRecord = z.infer<typeof serverRecord>;
export type RoutePoolRecord = z.infer<typeof routePoolRecord>;
export type ConnectsRecord = z.infer<typeof connectsRecord>;
export type ProbeRecord = z.infer<typeof probeRecord>;
export type ProbeStallRecord = z.infer<typeof probeStallRecord>;
export type StepRecord = z.infer<typeof stepRecord>;
export type FaultRecord = z.infer<typeof faultRecord>;
export type ObserverRecord = z.infer<typeof observerRecord>;
export type RunRecord = z.infer<typeof runRecord>;
export type NoteRecord = z.infer<typeof noteRecord>;
export type TimelineRecord = z.infer<typeof timelineRecord>;
export type RecordKind = TimelineRecord['kind'];
export type RecordOf<K extends RecordKind> = Extract<TimelineRecord, { kind: K }>;

export const RECORD_KINDS = timelineRecord.options.map((o) => o.shape.kind.value) as RecordKind[];

/** Narrow records to one kind, typed. */
export function recordsOf<K extends RecordKind>(records: readonly TimelineRecord[], kind: K): RecordOf<K>[] {
  return records.filter((r): r is RecordOf<K> => r.kind === kind);
}
