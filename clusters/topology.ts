// The Topology: plain data describing a super-cluster. Validated once with zod; every problem is
// reported with its path. No I/O here.
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { problemAt, schemaProblems } from '../core/problem-path.ts';

/** A region brownout boots: it names Docker networks, containers and servers (`<region>-<n>`). */
export const BOOTED_REGION_NAME = /^[a-z][a-z0-9]{1,15}$/;
const BOOTED_REGION_RULE = 'lowercase letters and digits, 2-16 chars, starting with a letter';
/**
 * A region or server of a cluster brownout did not start (explicit `serverNames`): what nats-server
 * accepts as a gateway or server name and real fleets use (`us-east-1`, `nats-iad-a.prod`), without
 * spaces, wildcards or subject separators trouble (`*`, `>`), at most 64 characters.
 */
export const EXTERNAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const EXTERNAL_NAME_RULE = 'letters, digits, ".", "_", ":" and "-", 1-64 chars, starting with a letter or digit';
const name = z.string().regex(EXTERNAL_NAME, EXTERNAL_NAME_RULE);
const variant = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'a variant name such as v2.10.14 or v2.10.14+brownout');
// Go duration as nats-server parses it (the forms this schema allows).
const DURATION = /^(\d+)(ms|s|m)$/;
const duration = z.string().regex(DURATION, 'a duration such as "500ms", "1s", "2m"');

/** Milliseconds of a duration the topology schema accepts ("500ms", "1s", "2m"). */
export function durationMs(d: string): number {
  const m = DURATION.exec(d);
  if (!m) throw new Error(`not a topology duration: ${d}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}
const port = z.number().int().min(1).max(65535);

/**
 * Per region and in all: what the local backend boots, meshes and observes on a 2-core machine
 * (4 × 24 in bench/results/observer-cost.md, 3 × 32 in bench/results/statsz-growth.md). A region of n
 * servers holds 3(n−1) route connections per server (pool size 3).
 */
export const MAX_SERVERS_PER_REGION = 32;
export const MAX_SERVERS = 128;

const regionSchema = z.strictObject({
  name,
  servers: z.number().int().min(1).max(MAX_SERVERS_PER_REGION),
  /**
   * The servers' own names, for a cluster brownout did not start (clusters/external-file.ts); as
   * many as `servers`. Absent: `<region>-<n>`, and the region name follows the booted rule.
   */
  serverNames: z.array(z.string().regex(EXTERNAL_NAME, EXTERNAL_NAME_RULE)).optional(),
});

/** Docker restart policies a server container may have; `no` is the backend's own choice (clusters/docker-backend.ts). */
export const DOCKER_RESTART_POLICIES = ['no', 'on-failure'] as const;
export type DockerRestartPolicy = (typeof DOCKER_RESTART_POLICIES)[number];

/**
 * Resources of each server container, docker backend only (the local backend refuses them). Absent:
 * no memory limit and no restart policy, as before. For experiments such as bench/cascade.bench.ts,
 * where an OOM-killed server must come back by itself.
 */
const dockerResourcesSchema = z.strictObject({
  /** HostConfig.Memory (and MemorySwap, so no swap) of every server container, MiB. */
  memoryMiB: z.number().int().min(8, 'at least 8 (MiB)').max(65536, 'at most 65536 (MiB)').optional(),
  /** `on-failure`: Docker starts a server again after a crash or an OOM kill (not after a stop or kill of ours). */
  restart: z.enum(DOCKER_RESTART_POLICIES, { error: (i) => `one of ${DOCKER_RESTART_POLICIES.join(', ')}, got ${JSON.stringify(i.input)}` }).default('no'),
});
export type DockerResources = z.output<typeof dockerResourcesSchema>;

export const topologySchema = z.strictObject({
  /** Default variant of every server. */
  variant: variant.default(patchedName(DEFAULT_NATS_TAG)),
  regions: z.array(regionSchema).min(1).max(8),
  /** Per-server variant overrides, e.g. `{ "iad-2": "v2.10.14" }` for a mixed (mid-rollout) cluster. */
  variants: z.record(z.string(), variant).default({}),
  /** Ports inside a server's own network namespace (docker). The local backend picks free ports instead. */
  ports: z.strictObject({
    client: port.default(4222),
    cluster: port.default(6222),
    gateway: port.default(7222),
    monitor: port.default(8222),
  }).prefault({}),
  ping: z.strictObject({
    interval: duration.default('2m'),
    max: z.number().int().min(1).max(100).default(2),
  }).prefault({}),
  /** Seconds a server waits for a gateway's CONNECT (gateway `authorization { timeout }`). It stands for the remote's lost close (docs/ARCHITECTURE.md, facts: the stuck gateway, way (a)). */
  gatewayAuthTimeoutSec: z.number().min(0.1).max(3600).optional(),
  /**
   * Routes authenticate (`cluster { authorization }`, credentials in the route URLs): what the
   * route-auth fault breaks with a config reload. Absent: routes need no credentials, as before.
   */
  routeAuth: z.boolean().optional(),
  /**
   * Which routes each server's configuration lists: `full` (absent), every other server of its
   * region; `seed`, only the region's first server (which lists none): the others find each other
   * by gossip, and each route to the seed is dialed by one side only, so only that side reconnects
   * it (what upstream PR #8454 needs to leave a pool slot unfilled).
   */
  routeMesh: z.enum(['full', 'seed']).optional(),
  /** Route pool size; nats-server 2.10 defaults to 3. */
  routePoolSize: z.number().int().min(1).max(16).optional(),
  /**
   * `lame_duck_duration` / `lame_duck_grace_period` of every server; absent: nats-server's own 2m / 10s.
   * Fixed when a server starts: a config reload cannot change them (clusters/lame-duck.ts).
   */
  lameDuck: z.strictObject({
    // opts.go: "invalid lame_duck_duration of ..., minimum is 30 seconds".
    durationSeconds: z.number().int().min(30, 'nats-server refuses a lame_duck_duration under 30 s').max(3600),
    // 0 would mean the server's default of 10 s, not no grace (opts.go setBaselineOptions).
    graceSeconds: z.number().int().min(1, 'at least 1 (nats-server reads 0 as its default of 10 s)').max(3600),
  }).optional(),
  /** Per-server container resources, docker backend only. */
  docker: dockerResourcesSchema.optional(),
});

export type Topology = z.output<typeof topologySchema>;
export type TopologyInput = z.input<typeof topologySchema>;

export interface ServerSpec {
  /** Stable name `<region>-<n>`, n from 1 (or the region's `serverNames[n-1]`). */
  name: string;
  region: string;
  index: number;
  variant: string;
}

export const presets = {
  'two-regions': { regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }] },
  'three-regions': { regions: ['iad', 'lhr', 'syd'].map((r) => ({ name: r, servers: 3 })) },
  'five-regions': { regions: ['iad', 'lhr', 'syd', 'fra', 'sfo'].map((r) => ({ name: r, servers: 6 })) },
} satisfies Record<string, TopologyInput>;
export type PresetName = keyof typeof presets;

/** Validate input; throws BadInputError listing every problem as `path: message`. */
export function parseTopology(input: unknown): Topology {
  const parsed = topologySchema.safeParse(input);
  const problems = parsed.success ? [] : schemaProblems([], parsed.error.issues, input);
  problems.push(...bootedRegionNames(input));
  if (parsed.success) problems.push(...crossCheck(parsed.data));
  if (problems.length > 0 || !parsed.success) {
    throw new BadInputError(`invalid topology (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
  }
  return parsed.data;
}

/** A region without `serverNames` is one brownout may boot: its name follows the stricter booted rule. */
function bootedRegionNames(input: unknown): string[] {
  const regions = (input as { regions?: unknown } | null)?.regions;
  if (!Array.isArray(regions)) return [];
  return regions.flatMap((r: unknown, i) => {
    const o = (r ?? {}) as { name?: unknown; serverNames?: unknown };
    return typeof o.name === 'string' && o.serverNames === undefined && EXTERNAL_NAME.test(o.name) && !BOOTED_REGION_NAME.test(o.name)
      ? [problemAt(['regions', i, 'name'], `${BOOTED_REGION_RULE}, got ${JSON.stringify(o.name)}`)]
      : [];
  });
}

function crossCheck(t: Topology): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  t.regions.forEach((r, i) => {
    if (seen.has(r.name)) problems.push(problemAt(['regions', i, 'name'], `duplicate region "${r.name}"`));
    seen.add(r.name);
    if (r.serverNames && r.serverNames.length !== r.servers) problems.push(problemAt(['regions', i, 'serverNames'], `${r.serverNames.length} names for ${r.servers} servers; one name per server`));
  });
  const named = new Map<string, number>();
  t.regions.forEach((r, i) => r.serverNames?.forEach((n, j) => {
    if (named.has(n)) problems.push(problemAt(['regions', i, 'serverNames', j], `duplicate server name "${n}"`));
    named.set(n, i);
  }));
  const names = new Set(serversOf({ ...t, variants: {} }).map((s) => s.name));
  for (const key of Object.keys(t.variants)) {
    if (!names.has(key)) problems.push(problemAt(['variants', key], `"${key}" is not a server; one of ${[...names].join(', ')}`));
  }
  const total = t.regions.reduce((n, r) => n + r.servers, 0);
  if (total > MAX_SERVERS) problems.push(`regions: ${total} servers in all; allowed at most ${MAX_SERVERS}`);
  const p = t.ports;
  if (new Set([p.client, p.cluster, p.gateway, p.monitor]).size !== 4) problems.push('ports: client, cluster, gateway and monitor must differ');
  const ld = t.lameDuck;
  // server.go validateOptions: the grace period must be strictly lower than the duration.
  if (ld && ld.graceSeconds >= ld.durationSeconds) problems.push(`lameDuck.graceSeconds: must be less than lameDuck.durationSeconds (${ld.durationSeconds}), got ${ld.graceSeconds}`);
  return problems;
}

/** Pure: what a backend other than docker cannot realize (the `docker` resources), as `path: message` lines. */
export function dockerOnlyProblems(t: Topology, backend: string): string[] {
  if (backend === 'docker' || !t.docker) return [];
  const set = Object.entries(t.docker).filter(([k, v]) => v !== undefined && !(k === 'restart' && v === 'no'));
  return set.map(([k]) => `docker.${k}: docker backend only; the ${backend} backend runs servers as processes (use --backend docker, or leave docker.${k} out)`);
}

/** Every server of the topology, region by region: `<region>-<n>`, or the region's own `serverNames`. */
export function serversOf(t: Topology): ServerSpec[] {
  return t.regions.flatMap((r) =>
    Array.from({ length: r.servers }, (_, i) => {
      const n = r.serverNames?.[i] ?? `${r.name}-${i + 1}`;
      return { name: n, region: r.name, index: i + 1, variant: t.variants[n] ?? t.variant };
    }),
  );
}

export interface TopologyFlags {
  preset?: string;
  regions?: string;
  servers?: string | number;
  variant?: string;
  pingInterval?: string;
  pingMax?: string | number;
}

/** Build a topology from CLI flags: a preset, or `--regions a,b,c --servers N`. */
export function topologyFromFlags(f: TopologyFlags): Topology {
  let base: TopologyInput;
  if (f.preset !== undefined) {
    const p = Object.hasOwn(presets, f.preset) ? presets[f.preset as PresetName] : undefined;
    if (!p) throw new BadInputError(`unknown preset "${f.preset}"`, { problems: [`preset: one of ${Object.keys(presets).join(', ')}`] });
    base = structuredClone(p) as TopologyInput;
  } else {
    base = structuredClone(presets['three-regions']) as TopologyInput;
  }
  if (f.regions !== undefined) {
    const n = f.servers === undefined ? 3 : Number(f.servers);
    base.regions = f.regions.split(',').map((r) => ({ name: r.trim(), servers: n }));
  } else if (f.servers !== undefined) {
    base.regions = base.regions.map((r) => ({ ...r, servers: Number(f.servers) }));
  }
  if (f.variant !== undefined) base.variant = f.variant;
  if (f.pingInterval !== undefined || f.pingMax !== undefined) {
    base.ping = { interval: f.pingInterval, max: f.pingMax === undefined ? undefined : Number(f.pingMax) };
  }
  return parseTopology(base);
}

/** The servers of its region a server's configuration lists as routes (topology `routeMesh`), in region order. Pure. */
export function configuredRoutePeers<S extends { name: string; region: string }>(t: Pick<Topology, 'routeMesh'>, servers: readonly S[], self: S): S[] {
  const region = servers.filter((o) => o.region === self.region);
  if (t.routeMesh === 'seed') return region[0] === undefined || region[0].name === self.name ? [] : [region[0]];
  return region.filter((o) => o.name !== self.name);
}
