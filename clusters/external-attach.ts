// `--attach external:FILE`: a StartedCluster on servers brownout did not start, named by a cluster
// file (clusters/external-file.ts). Attaching reads each server's /varz (it must answer, under the
// name the file gives it, in the region the file gives it), checks the user's Toxiproxy when the
// file names one, and waits for the full mesh. Nothing is written: no state file (persist: false),
// so `clean` and `cluster down` never reach it; stop() only lets go.
import path from 'node:path';
import { BadInputError, EnvironmentError } from '../core/errors.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import { problemAt } from '../core/problem-path.ts';
import { Cluster, type StartedCluster } from './cluster.ts';
import { ExternalBackend, NO_HOOKS_REASON } from './external-backend.ts';
import { loadClusterFile, type ExternalClusterSpec } from './external-file.ts';
import type { ServerHooks } from './external-hooks.ts';
import { mapLimit, POLL_CONCURRENCY } from './limit.ts';
import type { ProxyRef } from './links.ts';
import { parseTopology, type Topology } from './topology.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';

/** `--attach external:FILE`. */
export const EXTERNAL_ATTACH_PREFIX = 'external:';

export function isExternalAttach(id: string): boolean {
  return id.startsWith(EXTERNAL_ATTACH_PREFIX);
}

/** The cluster file an `external:FILE` attach id names (as written: relative to the working directory). */
export function externalFileOf(id: string): string {
  return id.slice(EXTERNAL_ATTACH_PREFIX.length);
}

/** The variant a server runs when neither the file nor its /varz says (only before attaching). */
export const UNKNOWN_VARIANT = 'unknown';

/** Server faults: each one acts on a process brownout did not start. */
const SERVER_FAULTS: Record<string, string> = {
  kill: `${NO_HOOKS_REASON} (kill is SIGKILL to a process that is not ours)`,
  restart: `${NO_HOOKS_REASON} (restart stops and starts a process that is not ours)`,
  pause: `${NO_HOOKS_REASON} (pause is SIGSTOP to a process that is not ours)`,
  upgrade: `${NO_HOOKS_REASON} (the upgrade fault replaces a process that is not ours; follow a playbook with hooks: brownout rollout)`,
  'route-auth': `${NO_HOOKS_REASON} (route-auth rewrites a server's config file and sends it SIGHUP: neither is ours)`,
  'route-reset': `${NO_HOOKS_REASON} (route-reset destroys a server's sockets on its own host: not ours)`,
  'dns-outage': `${NO_HOOKS_REASON} (dns-outage places an iptables rule in a server's network namespace: not ours)`,
};
/** Link faults: only through a Toxiproxy the user operates and names in the cluster file. */
export const EXTERNAL_LINK_FAULTS = ['latency', 'bandwidth', 'blackhole', 'reset', 'partition', 'packet-loss'] as const;
export const EXTERNAL_SERVER_FAULTS = Object.keys(SERVER_FAULTS);

/** Fault types this external cluster refuses, with why. */
export function externalRefusedFaults(spec: Pick<ExternalClusterSpec, 'toxiproxy' | 'file'>): Record<string, string> {
  const refused: Record<string, string> = { ...SERVER_FAULTS };
  if (!spec.toxiproxy) {
    const why = `the cluster file ${spec.file} names no toxiproxy: brownout adds nothing to a network it does not own; name a Toxiproxy you operate (toxiproxy.api and toxiproxy.proxies) to allow link faults through it`;
    for (const f of EXTERNAL_LINK_FAULTS) refused[f] = why;
  }
  return refused;
}

/**
 * Whether link selectors (a fault's `to`/`from`; a partition's region both ways) pick at least one
 * of the user's proxies, as Links will at run time: the problem (relative to the fault), or undefined.
 */
export function externalLinkProblem(spec: Pick<ExternalClusterSpec, 'toxiproxy' | 'servers' | 'file'>, sels: readonly { to?: string; from?: string }[]): string | undefined {
  const proxies = spec.toxiproxy?.proxies ?? [];
  const regionOf = new Map(spec.servers.map((s) => [s.name, s.region]));
  const names = proxies.map((p) => `${p.name} (${p.from ?? 'any region'} → ${p.to})`).join(', ');
  for (const sel of sels) {
    const picked = proxies.filter((p) => (sel.to === undefined || p.to === sel.to || regionOf.get(p.to) === sel.to) && (sel.from === undefined || p.from === sel.from));
    if (picked.length === 0) {
      const what = [sel.from !== undefined ? `from ${sel.from}` : '', sel.to !== undefined ? `to ${sel.to}` : ''].filter(Boolean).join(' ') || 'any link';
      return `${sel.to !== undefined ? 'to' : 'from'}: no proxy of the cluster file's Toxiproxy carries ${what}; it names ${names || 'none'} (${spec.file})`;
    }
  }
  return undefined;
}

/**
 * The topology brownout plans with: regions in the order servers name them, the servers' own names.
 * `observed` (at attach) gives each server's variant and the ping settings read from /varz.
 */
export function externalTopology(spec: ExternalClusterSpec, observed?: { variants: Record<string, string>; ping?: { interval: string; max: number } }): Topology {
  const variantOf = (s: ExternalClusterSpec['servers'][number]) => observed?.variants[s.name] ?? s.variant ?? spec.variant ?? UNKNOWN_VARIANT;
  const variants = spec.servers.map(variantOf);
  const counts = new Map<string, number>();
  for (const v of variants) counts.set(v, (counts.get(v) ?? 0) + 1);
  const main = spec.variant ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const ping = spec.ping ?? observed?.ping;
  return parseTopology({
    variant: main,
    regions: spec.regions.map((r) => {
      const names = spec.servers.filter((s) => s.region === r).map((s) => s.name);
      return { name: r, servers: names.length, serverNames: names };
    }),
    variants: Object.fromEntries(spec.servers.map((s, i) => [s.name, variants[i]!]).filter(([, v]) => v !== main)),
    ...(ping ? { ping } : {}),
    ...(spec.lameDuck ? { lameDuck: spec.lameDuck } : {}),
  });
}

/** What a run plans with (no network: the file alone). */
export function externalAttachTarget(id: string): { runId: string; topology: Topology; backend: 'external' } {
  return { runId: id, topology: externalTopology(loadClusterFile(externalFileOf(id))), backend: 'external' };
}

export interface ExternalAttachOptions {
  /** The user's upgrade hooks (a rollout); without them every server step is refused. */
  hooks?: ServerHooks;
  /** Deadline for the full mesh before attaching (default 15 s); 0 skips the check. */
  meshDeadlineMs?: number;
}

export async function attachExternal(file: string, opts: ExternalAttachOptions = {}): Promise<StartedCluster> {
  const spec = loadClusterFile(file);
  const where = spec.file;
  const varz = new Map<string, Varz | Error>();
  await mapLimit(spec.servers, POLL_CONCURRENCY, async (s) => {
    varz.set(s.name, await monitorGet<Varz & { ping_interval?: number; ping_max?: number }>(s.monitorUrl, 'varz', 5000).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
  });
  const silent = spec.servers.filter((s) => varz.get(s.name) instanceof Error);
  if (silent.length) {
    throw new EnvironmentError(`cluster file ${where}: ${silent.length} of ${spec.servers.length} servers do not answer on their monitoring URL: ${silent.map((s) => `${s.name} (${s.monitorUrl}: ${(varz.get(s.name) as Error).message})`).join(', ')}`, {
      hint: 'an external cluster is attached whole: check the monitorUrl of each (curl URL/varz from this host)',
    });
  }
  // The file must describe what answers: STATSZ and mesh checks go by server and gateway names.
  const problems: string[] = [];
  spec.servers.forEach((s, i) => {
    const v = varz.get(s.name) as Varz;
    if (v.server_name !== s.name) problems.push(problemAt(['servers', i, 'name'], `"${s.name}", but the server at ${s.monitorUrl} is named "${v.server_name}" (its server_name); use that name`));
    const gw = v.gateway?.name;
    if (spec.regions.length > 1 && gw && gw !== s.region) problems.push(problemAt(['servers', i, 'region'], `"${s.region}", but the server at ${s.monitorUrl} is in gateway "${gw}"; use that name`));
  });
  if (problems.length) {
    throw new BadInputError(`cluster file ${where} does not describe the servers that answer (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems: problems.map((p) => `${where}: ${p}`) });
  }
  const variants = Object.fromEntries(spec.servers.map((s) => [s.name, s.variant ?? spec.variant ?? `v${(varz.get(s.name) as Varz).version}`]));
  const first = varz.get(spec.servers[0]!.name) as Varz & { ping_interval?: number; ping_max?: number };
  const topology = externalTopology(spec, { variants, ...(pingOf(first) ? { ping: pingOf(first)! } : {}) });
  const proxies = spec.toxiproxy ? await userProxies(spec) : [];
  const backend = new ExternalBackend(spec.servers, { hooks: opts.hooks, variants, proxies });
  const cluster = new Cluster(`${EXTERNAL_ATTACH_PREFIX}${spec.name}`, topology, path.dirname(spec.file), { system: spec.system, probe: spec.probe }, backend, {
    owned: false, createdAt: new Date().toISOString(), ownerPid: process.pid, detached: true, persist: false,
  });
  if (opts.meshDeadlineMs !== 0) await cluster.waitForMesh(opts.meshDeadlineMs ?? 15_000);
  return cluster;
}

/** /varz ping_interval (nanoseconds, a Go duration) and ping_max as the topology writes them. */
function pingOf(v: { ping_interval?: number; ping_max?: number }): { interval: string; max: number } | undefined {
  if (typeof v.ping_interval !== 'number' || typeof v.ping_max !== 'number' || v.ping_interval <= 0) return undefined;
  const ms = Math.round(v.ping_interval / 1e6);
  const interval = ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
  return { interval, max: Math.min(100, Math.max(1, v.ping_max)) };
}

/** The user's proxies, each checked to exist at their Toxiproxy's API. */
async function userProxies(spec: ExternalClusterSpec): Promise<ProxyRef[]> {
  const tp = spec.toxiproxy!;
  const client = new ToxiproxyClient(tp.api);
  let have: Awaited<ReturnType<ToxiproxyClient['proxies']>>;
  try {
    have = await client.proxies();
  } catch (cause) {
    throw new EnvironmentError(`cluster file ${spec.file}: the Toxiproxy API ${tp.api} does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, hint: 'toxiproxy.api must be a Toxiproxy you run, reachable from this host' });
  }
  const regionOf = new Map(spec.servers.map((s) => [s.name, s.region]));
  const missing = tp.proxies.flatMap((p, i) => (have[p.name] ? [] : [`${spec.file}: ${problemAt(['toxiproxy', 'proxies', i, 'name'], `no proxy "${p.name}" at ${tp.api}; it has ${Object.keys(have).join(', ') || 'none'}`)}`]));
  if (missing.length) throw new BadInputError(`cluster file ${spec.file}: ${missing.length} proxy(ies) missing at ${tp.api}`, { problems: missing });
  return tp.proxies.map((p) => ({ name: p.name, from: p.from, to: p.to, toRegion: regionOf.get(p.to)!, listen: have[p.name]!.listen, client }));
}
