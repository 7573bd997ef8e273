// Discovery: from one monitoring URL to a cluster file. nats-server does not tell a server the
// monitoring ports of its peers, so the way depends on what brownout is given:
//   - with the system account: `$SYS.REQ.SERVER.PING.VARZ` answers with every server's /varz (its
//     name, cluster, gateway, client and monitoring host and port), across the super-cluster;
//   - without: the seed's /varz, /routez (its route peers' names and addresses) and /gatewayz, and
//     for each peer a guess (the peer's address with the seed's monitoring port) that counts only if
//     that URL answers /varz under the peer's own name; a server reached that way is crawled too.
// Every monitoring URL written is one that answered under the server's name; what could not be
// found is written as TODO (the file does not load until it is filled), and the report says what
// was found, what was guessed and confirmed, and what is missing. No secret is ever written: the
// file names the environment variable or file that holds it.
import { RequestStrategy, connect } from 'nats';
import { EnvironmentError } from '../core/errors.ts';
import { monitorGet, type Gatewayz, type Routez } from '../core/nats-monitoring.ts';
import { authOptions } from './nats-auth.ts';
import type { SystemUser } from './view.ts';

/** The /varz fields discovery reads. */
interface DiscoveryVarz {
  server_id: string;
  server_name: string;
  version: string;
  host?: string;
  port?: number;
  http_host?: string;
  http_port?: number;
  https_port?: number;
  cluster?: { name?: string };
  gateway?: { name?: string; gateways?: { name: string; urls?: string[] }[] };
  ping_interval?: number;
  ping_max?: number;
}

export interface DiscoveredServer {
  name: string;
  id?: string;
  region?: string;
  /** Confirmed: it answered /varz under this server's name. */
  monitorUrl?: string;
  clientUrl?: string;
  version?: string;
  /** How each field was learned, for the report. */
  how: string;
}

export interface Discovery {
  seed: string;
  servers: DiscoveredServer[];
  /** What was found for certain. */
  found: string[];
  /** What was guessed, and whether the guess was confirmed. */
  guessed: string[];
  /** What could not be found (TODO in the file). */
  missing: string[];
  /** Whether `$SYS.REQ.SERVER.PING` was used (needs the system account). */
  viaSystemAccount: boolean;
}

export interface DiscoverOptions {
  system?: SystemUser;
  /** How long to collect PING replies (default 2 s). */
  pingWaitMs?: number;
  /** Per monitoring request (default 2 s). */
  timeoutMs?: number;
  /** Crawl at most this many servers without the system account (default 128). */
  maxServers?: number;
}

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

/** `host` for a URL: an IPv6 address in brackets. */
function urlHost(h: string): string {
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** A server's own address for `host` (its listen host), or `fallback` when it listens on every interface. */
function addressOf(host: string | undefined, fallback: string): { host: string; guessed: boolean } {
  return host && !WILDCARD.has(host) ? { host, guessed: false } : { host: fallback, guessed: true };
}

async function varzAt(url: string, timeoutMs: number): Promise<DiscoveryVarz | undefined> {
  return monitorGet<DiscoveryVarz>(url, 'varz', timeoutMs).catch(() => undefined);
}

export async function discoverCluster(seedUrl: string, opts: DiscoverOptions = {}): Promise<Discovery> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const seed = seedUrl.replace(/\/+$/, '');
  const seedHost = new URL(seed).hostname.replace(/^\[|\]$/g, '');
  const seedVarz = await monitorGet<DiscoveryVarz>(seed, 'varz', timeoutMs).catch((e: unknown) => {
    throw new EnvironmentError(`${seed}/varz does not answer: ${e instanceof Error ? e.message : String(e)}`, { hint: 'give the monitoring URL (http://host:8222) of one server of the cluster' });
  });
  const d: Discovery = { seed, servers: [], found: [], guessed: [], missing: [], viaSystemAccount: false };
  const byName = new Map<string, DiscoveredServer>();
  const clientUrlOf = (v: DiscoveryVarz, fallback: string): string | undefined => {
    if (!v.port) return undefined;
    const a = addressOf(v.host, fallback);
    if (a.guessed) d.guessed.push(`${v.server_name}: listens for clients on every interface; client URL uses ${fallback}`);
    return `nats://${urlHost(a.host)}:${v.port}`;
  };
  const add = (s: DiscoveredServer) => { if (!byName.has(s.name)) { byName.set(s.name, s); d.servers.push(s); } };
  add({
    name: seedVarz.server_name, id: seedVarz.server_id, region: seedVarz.gateway?.name ?? seedVarz.cluster?.name, monitorUrl: seed,
    clientUrl: clientUrlOf(seedVarz, seedHost), version: seedVarz.version, how: 'the URL given',
  });

  if (opts.system && seedVarz.port) {
    const replies = await pingVarz(byName.get(seedVarz.server_name)!.clientUrl!, opts.system, opts.pingWaitMs ?? 2000).catch((e: unknown) => {
      d.missing.push(`$SYS.REQ.SERVER.PING failed (${e instanceof Error ? e.message : String(e)}): only what the monitoring endpoints show was found`);
      return [];
    });
    if (replies.length) {
      d.viaSystemAccount = true;
      d.found.push(`${replies.length} server(s) answered $SYS.REQ.SERVER.PING.VARZ`);
    }
    const routeIps = await peerAddresses(seed, timeoutMs);
    for (const v of replies) {
      if (v.server_name === seedVarz.server_name) continue;
      const fallback = routeIps.get(v.server_id) ?? seedHost;
      const port = v.http_port || v.https_port;
      let monitorUrl: string | undefined;
      if (port) {
        const a = addressOf(v.http_host, fallback);
        const url = `${v.http_port ? 'http' : 'https'}://${urlHost(a.host)}:${port}`;
        const answer = await varzAt(url, timeoutMs);
        if (answer?.server_name === v.server_name) {
          monitorUrl = url;
          if (a.guessed) d.guessed.push(`${v.server_name}: monitoring listens on every interface; ${url} (its route address) answered under its name`);
        } else d.missing.push(`${v.server_name}: its monitoring port is ${port} but ${url} did not answer as ${v.server_name} from here`);
      } else d.missing.push(`${v.server_name}: monitoring is off (no http_port): brownout cannot observe it`);
      add({ name: v.server_name, id: v.server_id, region: v.gateway?.name ?? v.cluster?.name, ...(monitorUrl ? { monitorUrl } : {}), clientUrl: clientUrlOf(v, fallback), version: v.version, how: '$SYS.REQ.SERVER.PING.VARZ' });
    }
  }
  if (!d.viaSystemAccount) await crawl(d, seedVarz, seed, add, byName, clientUrlOf, timeoutMs, opts.maxServers ?? 128);

  // Region by region (in the order found), then by name with numbers in order: iad-2 before iad-10.
  const order = [...new Set(d.servers.map((s) => s.region ?? '~'))];
  d.servers.sort((a, b) => order.indexOf(a.region ?? '~') - order.indexOf(b.region ?? '~') || a.name.localeCompare(b.name, 'en', { numeric: true }));
  const regions = new Set(d.servers.map((s) => s.region).filter(Boolean));
  d.found.unshift(`${d.servers.length} server(s) in ${regions.size} region(s): ${[...regions].join(', ')}`);
  for (const s of d.servers) {
    if (!s.monitorUrl && !d.missing.some((m) => m.startsWith(`${s.name}: monitoring`) || m.startsWith(`${s.name}: its monitoring`))) d.missing.push(`${s.name}: monitoring URL unknown (TODO in the file)`);
    if (!s.region) d.missing.push(`${s.name}: region unknown (TODO in the file)`);
  }
  // Regions the gateways name that no server was found in.
  for (const g of seedVarz.gateway?.gateways ?? []) {
    if (!regions.has(g.name)) d.missing.push(`region ${g.name}: named by ${seedVarz.server_name}'s gateways (${(g.urls ?? []).join(', ')}) but none of its servers was found`);
  }
  return d;
}

/** Every server's /varz through the system account, collected for `waitMs`. */
async function pingVarz(clientUrl: string, system: SystemUser, waitMs: number): Promise<DiscoveryVarz[]> {
  const nc = await connect({ servers: [clientUrl], ...authOptions(system), name: 'brownout-discover', timeout: 3000, maxReconnectAttempts: 0 });
  try {
    const out: DiscoveryVarz[] = [];
    const it = await nc.requestMany('$SYS.REQ.SERVER.PING.VARZ', '', { strategy: RequestStrategy.Timer, maxWait: waitMs });
    for await (const m of it) {
      try {
        const body = JSON.parse(new TextDecoder().decode(m.data)) as { data?: DiscoveryVarz };
        if (body.data?.server_name) out.push(body.data);
      } catch { /* not a varz reply */ }
    }
    return out;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Server id → the address its route or gateway connection to `monitor`'s server comes from. */
async function peerAddresses(monitor: string, timeoutMs: number): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const routez = await monitorGet<Routez>(monitor, 'routez', timeoutMs).catch(() => undefined);
  for (const r of routez?.routes ?? []) if (r.remote_id && r.ip) out.set(r.remote_id, r.ip);
  const gw = await monitorGet<Gatewayz>(monitor, 'gatewayz', timeoutMs).catch(() => undefined);
  for (const g of Object.values(gw?.outbound_gateways ?? {})) if (g.connection?.name && g.connection.ip) out.set(g.connection.name, g.connection.ip);
  return out;
}

/**
 * Without the system account: from each reached server, its route peers (name and address from
 * /routez) and the gateway URLs of other regions (from /varz), each tried with the monitoring port
 * of the server that named it; a guess counts only when the URL answers under the expected name.
 */
async function crawl(
  d: Discovery, seedVarz: DiscoveryVarz, seed: string, add: (s: DiscoveredServer) => void, byName: Map<string, DiscoveredServer>,
  clientUrlOf: (v: DiscoveryVarz, fallback: string) => string | undefined, timeoutMs: number, maxServers: number,
): Promise<void> {
  d.guessed.push('without the system account, monitoring URLs of other servers are guesses (a peer\'s address with the monitoring port of the server that names it), kept only when they answer under the peer\'s name');
  const queue: { url: string; varz: DiscoveryVarz }[] = [{ url: seed, varz: seedVarz }];
  const tried = new Set<string>([seed]);
  while (queue.length && byName.size < maxServers) {
    const { url, varz } = queue.shift()!;
    const port = new URL(url).port || (url.startsWith('https') ? '443' : '80');
    const candidates: { url: string; name?: string; region?: string; id?: string }[] = [];
    const routez = await monitorGet<Routez>(url, 'routez', timeoutMs).catch(() => undefined);
    for (const r of routez?.routes ?? []) {
      const name = (r as { remote_name?: string }).remote_name;
      if (name && !byName.has(name)) {
        add({ name, id: r.remote_id, region: varz.cluster?.name ?? varz.gateway?.name, how: `a route peer of ${varz.server_name} (/routez)` });
      }
      if (r.ip) candidates.push({ url: `http://${urlHost(r.ip)}:${port}`, ...(name ? { name } : {}), id: r.remote_id });
    }
    for (const g of varz.gateway?.gateways ?? []) {
      for (const u of g.urls ?? []) {
        const host = u.replace(/^[a-z]+:\/\//, '').replace(/:\d+$/, '');
        candidates.push({ url: `http://${urlHost(host)}:${port}`, region: g.name });
      }
    }
    for (const c of candidates) {
      if (tried.has(c.url)) continue;
      tried.add(c.url);
      const v = await varzAt(c.url, timeoutMs);
      if (!v || (c.name && v.server_name !== c.name) || (c.region && (v.gateway?.name ?? v.cluster?.name) !== c.region)) continue;
      const known = byName.get(v.server_name);
      if (known?.monitorUrl) continue;
      d.guessed.push(`${v.server_name}: ${c.url} (guessed from ${varz.server_name}'s ${c.name ? 'route' : 'gateway'} address) answered under its name`);
      const host = new URL(c.url).hostname.replace(/^\[|\]$/g, '');
      const s: DiscoveredServer = { name: v.server_name, id: v.server_id, region: v.gateway?.name ?? v.cluster?.name, monitorUrl: c.url, clientUrl: clientUrlOf(v, host), version: v.version, how: 'a guessed monitoring URL that answered' };
      if (known) Object.assign(known, s);
      else add(s);
      queue.push({ url: c.url, varz: v });
    }
  }
  // Clients of unreached route peers: unknown (their client port is theirs alone).
  for (const s of d.servers) if (!s.clientUrl) d.missing.push(`${s.name}: client URL unknown (TODO in the file)`);
}

/** How the written file names the system account's secret (never the secret itself). */
export type SystemRef = { user: string; passwordEnv: string } | { user: string; passwordFile: string } | { credsFile: string } | { credsEnv: string };

/** A cluster file for what was found: comments say what was found, guessed and missing; TODO where a value is unknown. */
export function renderClusterFile(d: Discovery, o: { name: string; system?: SystemRef; at?: Date }): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `# Cluster file written by \`brownout cluster discover ${d.seed}\` at ${(o.at ?? new Date()).toISOString()}.`,
    `# ${d.viaSystemAccount ? 'Servers from $SYS.REQ.SERVER.PING.VARZ (system account).' : 'Without the system account: servers from the seed\'s /varz and /routez and guessed monitoring URLs.'}`,
    ...d.found.map((f) => `# found: ${f}`),
    ...d.guessed.map((g) => `# guessed: ${g}`),
    ...d.missing.map((m) => `# TODO: ${m}`),
    '# Check every line before use: brownout reads these servers\' monitoring endpoints and subscribes',
    '# with the system account; it never signals, stops or changes them (clusters/external-file.ts).',
    `name: ${q(o.name)}`,
    'servers:',
  ];
  for (const s of d.servers) {
    lines.push(`  - name: ${q(s.name)}`);
    lines.push(`    region: ${s.region ? q(s.region) : 'TODO'}`);
    lines.push(`    monitorUrl: ${s.monitorUrl ? q(s.monitorUrl) : 'TODO  # not found from here'}`);
    lines.push(`    clientUrl: ${s.clientUrl ? q(s.clientUrl) : 'TODO  # not found from here'}`);
  }
  lines.push('system:');
  const sys = o.system;
  if (!sys) lines.push('  user: TODO  # the system account user', '  passwordEnv: TODO  # an environment variable holding its password (or passwordFile, credsFile, credsEnv)');
  else for (const [k, v] of Object.entries(sys)) lines.push(`  ${k}: ${q(v)}`);
  return `${lines.join('\n')}\n`;
}

/** Whether the rendered file still has TODOs. */
export function hasTodo(text: string): boolean {
  return /^[^#]*\bTODO\b/m.test(text);
}
