// Local backend: servers are child processes on 127.0.0.1 with free ports, and one Toxiproxy
// process holds one proxy per destination server (`gw-lhr-2`). Each server advertises its own
// proxy, so every gateway dial, gossiped ones included, crosses it.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadInputError, EnvironmentError, HarnessError } from '../core/errors.ts';
import { natsServerBinary, toxiproxyBinary } from '../core/layout.ts';
import type { Backend, Progress } from './backend.ts';
import { freePort } from './free-port.ts';
import type { ProxyRef } from './links.ts';
import { monitorGet } from '../core/nats-monitoring.ts';
import { sameProcess, type ProcessIdentity } from '../core/process-identity.ts';
import { recordSpawned, signalOurs, terminate } from './pids.ts';
import { renderConfig, type ClusterSecrets, type ConfigOverrides } from './render-config.ts';
import type { ClusterState, LocalServerState } from './state-file.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';
import { configuredRoutePeers, dockerOnlyProblems, serversOf, type ServerSpec, type Topology } from './topology.ts';
import type { ServerEndpoint } from './view.ts';
import { waitFor } from './wait.ts';
import { mapLimit, START_CONCURRENCY } from './limit.ts';

const HOST = '127.0.0.1';

export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  onStateChange?: () => void;
  private constructor(
    private readonly topology: Topology,
    private readonly runDir: string,
    private readonly secrets: ClusterSecrets,
    private readonly servers: Map<string, LocalServerState & { spec: ServerSpec }>,
    private readonly toxiproxy: { pid: number; apiUrl: string; identity?: ProcessIdentity | undefined },
    readonly proxies: ProxyRef[],
  ) {}

  static async start(topology: Topology, runDir: string, secrets: ClusterSecrets, progress: Progress): Promise<LocalBackend> {
    const refused = dockerOnlyProblems(topology, 'local');
    if (refused.length) throw new BadInputError(`the local backend cannot realize this topology (${refused.length} problem${refused.length === 1 ? '' : 's'})`, { problems: refused });
    const specs = serversOf(topology);
    for (const v of new Set(specs.map((s) => s.variant))) requireBinary(natsServerBinary(v), 'npm run build:nats');
    requireBinary(toxiproxyBinary(), 'npm run build:toxiproxy');
    mkdirSync(path.join(runDir, 'logs'), { recursive: true });

    const servers = new Map<string, LocalServerState & { spec: ServerSpec }>();
    for (const spec of specs) {
      const ports = { client: await freePort(), cluster: await freePort(), gateway: await freePort(), monitor: await freePort(), proxy: await freePort() };
      servers.set(spec.name, { spec, pid: null, variant: spec.variant, ports });
    }

    // Proxies come from Toxiproxy's -config file; the path also marks the process as this run's.
    const proxyConfigs = [...servers.values()].map((s) => ({
      name: `gw-${s.spec.name}`, listen: `${HOST}:${s.ports.proxy}`, upstream: `${HOST}:${s.ports.gateway}`, enabled: true,
    }));
    const tpConfig = path.join(runDir, 'toxiproxy.json');
    writeFileSync(tpConfig, JSON.stringify(proxyConfigs, null, 2));
    const apiPort = await freePort();
    progress.info(`starting toxiproxy on ${HOST}:${apiPort} with ${proxyConfigs.length} proxies`);
    const tp = spawnDetached(toxiproxyBinary(), ['-host', HOST, '-port', String(apiPort), '-config', tpConfig], path.join(runDir, 'logs', 'toxiproxy.log'));
    const client = new ToxiproxyClient(`http://${HOST}:${apiPort}`);
    const proxies: ProxyRef[] = [...servers.values()].map((s) => ({
      name: `gw-${s.spec.name}`, from: null, to: s.spec.name, toRegion: s.spec.region, listen: `${HOST}:${s.ports.proxy}`, client,
    }));
    const backend = new LocalBackend(topology, runDir, secrets, servers, { pid: tp.pid, apiUrl: client.apiUrl, identity: tp.identity }, proxies);
    try {
      await waitFor(`toxiproxy API at ${client.apiUrl} with ${proxies.length} proxies`, 10_000, async () => {
        if (!tp.identity || !sameProcess(tp.identity)) throw new HarnessError(`toxiproxy exited: ${tail(path.join(runDir, 'logs', 'toxiproxy.log'))}`);
        const n = Object.keys(await client.proxies()).length;
        return n === proxies.length ? { done: true, value: n } : { done: false, missing: `${n}/${proxies.length} proxies` };
      }, 100);
      for (const s of servers.values()) backend.writeConfig(s.spec.name);
      progress.info(`starting ${servers.size} servers, ${Math.min(START_CONCURRENCY, servers.size)} at a time`);
      // Region by region interleaved (iad-1, lhr-1, ..., iad-2, ...), so every region has servers
      // early and gateways find a listener; bounded, so the machine is never starved (limit.ts).
      await mapLimit(interleaveRegions([...servers.values()].map((s) => s.spec)), START_CONCURRENCY, (spec) => backend.startServer(spec.name, servers.get(spec.name)!.variant));
    } catch (err) {
      await backend.teardown().catch(() => undefined); // the reaper sweeps by run directory after this
      throw err;
    }
    return backend;
  }

  /** The backend of a cluster another process started (`cluster up`), rebuilt from its state file. */
  static attach(topology: Topology, runDir: string, secrets: ClusterSecrets, state: NonNullable<ClusterState['local']>): LocalBackend {
    const client = new ToxiproxyClient(state.toxiproxy.apiUrl);
    const servers = new Map(serversOf(topology).map((spec): [string, LocalServerState & { spec: ServerSpec }] => {
      const s = state.servers[spec.name];
      if (!s) throw new HarnessError(`state file has no server ${spec.name}`);
      return [spec.name, { spec, pid: s.pid, identity: s.identity, variant: s.variant, ports: s.ports }];
    }));
    const proxies: ProxyRef[] = [...servers.values()].map((s) => ({
      name: `gw-${s.spec.name}`, from: null, to: s.spec.name, toRegion: s.spec.region, listen: `${HOST}:${s.ports.proxy}`, client,
    }));
    return new LocalBackend(topology, runDir, secrets, servers, state.toxiproxy, proxies);
  }

  endpoint(name: string): ServerEndpoint {
    const s = this.get(name);
    return {
      name, region: s.spec.region, variant: s.variant,
      clientUrl: `nats://${HOST}:${s.ports.client}`, monitorUrl: `http://${HOST}:${s.ports.monitor}`,
    };
  }

  async startServer(name: string, variant: string): Promise<void> {
    const s = this.get(name);
    if (s.identity && sameProcess(s.identity)) throw new HarnessError(`${name} is already running (pid ${s.pid})`);
    const bin = natsServerBinary(variant);
    requireBinary(bin, `npm run build:nats (variant ${variant})`);
    s.variant = variant;
    const conf = this.confPath(name);
    const log = path.join(this.runDir, 'logs', `${name}.log`);
    const { pid, identity } = spawnDetached(bin, ['-c', conf], log);
    s.pid = pid;
    s.identity = identity;
    // Recorded before the wait, so a harness killed now leaves the new pid, not the old one, behind.
    this.onStateChange?.();
    const monitor = this.endpoint(name).monitorUrl;
    // A server starved of CPU by the mesh forming around it (96 servers on 2 cores) can take longer
    // than one request's timeout to answer: each timeout doubles the next one (healthzTimeoutMs).
    let timeouts = 0;
    await waitFor(`${name} (pid ${pid}) monitor at ${monitor}`, monitorDeadlineMs(this.servers.size), async () => {
      if (!identity || !sameProcess(identity)) throw new HarnessError(`${name} exited at start: ${tail(log)}`);
      // /healthz, not /varz: the cheapest answer, and it does not grow with the number of routes.
      try {
        await monitorGet(monitor, 'healthz', healthzTimeoutMs(timeouts));
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') timeouts++;
        throw err;
      }
      return { done: true, value: undefined };
    }, 100);
  }

  async stopServer(name: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const s = this.get(name);
    if (s.identity) await terminate(s.identity, 5000, how);
    s.pid = null;
    s.identity = undefined;
  }

  async isRunning(name: string): Promise<boolean> {
    const s = this.get(name);
    if (!s.identity || !sameProcess(s.identity)) return false; // a paused one fails the monitor check below
    return monitorGet(this.endpoint(name).monitorUrl, 'varz', 2000).then(() => true, () => false);
  }

  async enterLameDuck(name: string): Promise<void> {
    signalOurs(this.running(name), 'SIGUSR2');
  }

  async waitForExit(name: string, deadlineMs: number): Promise<boolean> {
    const s = this.get(name);
    const until = Date.now() + deadlineMs;
    while (s.identity && sameProcess(s.identity)) {
      if (Date.now() >= until) return false;
      await sleep(100);
    }
    s.pid = null;
    s.identity = undefined;
    return true;
  }

  async pause(name: string): Promise<void> {
    signalOurs(this.running(name), 'SIGSTOP');
  }

  async resume(name: string): Promise<void> {
    signalOurs(this.running(name), 'SIGCONT');
  }

  async logs(name: string): Promise<string> {
    this.get(name);
    const file = path.join(this.runDir, 'logs', `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  stateFields() {
    const servers = Object.fromEntries([...this.servers].map(([n, { pid, identity, variant, ports }]) => [n, { pid, ...(identity ? { identity } : {}), variant, ports }]));
    const { pid, apiUrl, identity } = this.toxiproxy;
    return { local: { toxiproxy: { pid, apiUrl, ...(identity ? { identity } : {}) }, servers } };
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.servers.values()].map(async (s) => {
      if (s.identity) await terminate(s.identity, 3000);
      s.pid = null;
      s.identity = undefined;
    }));
    if (this.toxiproxy.identity) await terminate(this.toxiproxy.identity, 3000);
  }

  teardownSync(): void {
    for (const s of this.servers.values()) if (s.identity) signalOurs(s.identity, 'SIGKILL');
    if (this.toxiproxy.identity) signalOurs(this.toxiproxy.identity, 'SIGKILL');
  }

  async reloadConfig(name: string, overrides: ConfigOverrides): Promise<void> {
    const identity = this.running(name);
    this.overrides.set(name, overrides);
    this.writeConfig(name);
    signalOurs(identity, 'SIGHUP');
  }

  private readonly overrides = new Map<string, ConfigOverrides>();

  private writeConfig(name: string): void {
    const s = this.get(name);
    const all = [...this.servers.values()];
    const peers = configuredRoutePeers(this.topology, all.map((p) => p.spec), s.spec).map((p) => this.get(p.name));
    const gateways: Record<string, string[]> = {};
    for (const p of this.servers.values()) {
      if (p.spec.region !== s.spec.region) (gateways[p.spec.region] ??= []).push(`${HOST}:${p.ports.proxy}`);
    }
    const conf = renderConfig(this.topology, { ...s.spec, variant: s.variant }, {
      client: `${HOST}:${s.ports.client}`, cluster: `${HOST}:${s.ports.cluster}`,
      gateway: `${HOST}:${s.ports.gateway}`, monitor: `${HOST}:${s.ports.monitor}`,
      routes: peers.map((p) => `${HOST}:${p.ports.cluster}`),
      gatewayAdvertise: `${HOST}:${s.ports.proxy}`,
      gateways,
    }, this.secrets, this.overrides.get(name));
    mkdirSync(path.dirname(this.confPath(name)), { recursive: true });
    writeFileSync(this.confPath(name), conf, { mode: 0o600 });
  }

  private confPath(name: string): string {
    return path.join(this.runDir, 'conf', `${name}.conf`);
  }

  private get(name: string) {
    const s = this.servers.get(name);
    if (!s) throw new HarnessError(`no server "${name}" in this cluster`);
    return s;
  }

  private running(name: string): ProcessIdentity {
    const s = this.get(name);
    if (!s.identity || !sameProcess(s.identity)) throw new HarnessError(`${name} is not running`);
    return s.identity;
  }
}

/**
 * How long a starting server may take to answer its monitor. 15 s on a small cluster; a mass
 * restart of half of 96 servers on 2 cores (every peer re-meshing and, on stock, broadcasting
 * STATSZ) slows every monitor, so the deadline grows with the cluster.
 */
/** Request timeout of the start check after `timeouts` timed-out requests: 2 s, 4 s, 8 s, then 10 s. */
export function healthzTimeoutMs(timeouts: number): number {
  return Math.min(10_000, 2000 * 2 ** timeouts);
}

export function monitorDeadlineMs(servers: number): number {
  return 15_000 + 250 * servers;
}

/** First server of every region, then the second of every region, and so on. */
export function interleaveRegions(specs: readonly ServerSpec[]): ServerSpec[] {
  return [...specs].sort((a, b) => a.index - b.index);
}

/**
 * Own process group, output to a log file: survives the harness when left running on purpose.
 * Its identity is read at once, so nothing but this very process is ever signalled as it.
 */
function spawnDetached(bin: string, args: string[], logFile: string): { pid: number; identity: ProcessIdentity | undefined } {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', () => {}); // surfaces as no identity (or a dead one) in the start wait
    child.unref();
    if (child.pid === undefined) throw new HarnessError(`could not start ${bin}`);
    return { pid: child.pid, identity: recordSpawned(child.pid, bin) };
  } finally {
    closeSync(fd);
  }
}

function requireBinary(file: string, build: string): void {
  if (!existsSync(file)) throw new EnvironmentError(`${file} is missing`, { hint: `run ${build}` });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}
