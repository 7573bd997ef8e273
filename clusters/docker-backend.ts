// Docker backend: one container per server from the variant's image, one network per region, and
// one Toxiproxy container per region. Network aliases are per network, so in iad's network the name
// `gw-lhr-2` is iad's Toxiproxy while in syd's network it is syd's: servers advertise one gateway
// name, and each region pair still crosses its own proxy (per region-pair faults). Ports, proxy
// names, aliases and gateway wiring come from docker-wiring.ts, shared with the compose stack.
// Over 300 lines on purpose: one class holds the containers' lifecycle (boot, attach, start, stop,
// upgrade, teardown) because each step reads the same maps of servers, networks and proxies; the
// addressing (docker-wiring.ts), labels and sweeps (docker-resources.ts) and IP loss (iptables-loss.ts)
// live elsewhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { EnvironmentError, HarnessError } from '../core/errors.ts';
import { toxiproxyImage, variantImage } from '../core/layout.ts';
import type { Backend, ContainerNamespace, Progress } from './backend.ts';
import { docker, inspectNamespace, LABEL_RUN, removeDockerRun, runLabels } from './docker-resources.ts';
import { IptablesLoss } from './iptables-loss.ts';
import type { ProxyRef } from './links.ts';
import { monitorGet } from '../core/nats-monitoring.ts';
import { renderConfig, type ClusterSecrets, type ConfigOverrides } from './render-config.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';
import { serversOf, type ServerSpec, type Topology } from './topology.ts';
import type { ServerEndpoint } from './view.ts';
import { waitFor } from './wait.ts';
import { gatewayAlias, gatewayWiring, proxyName, proxyPortOf, regionProxyConfigs, TOXIPROXY_API_PORT } from './docker-wiring.ts';
import { demuxLogs } from '../core/docker-engine.ts';

const CONF = '/etc/nats/nats-server.conf';

interface DockerServer {
  spec: ServerSpec;
  variant: string;
  container: string;
  ip: string;
  proxyPort: number;
}

/** Names of the containers and networks of a cluster wired like ours (attachContainers), by server and region. */
export interface AttachedContainers {
  servers: Record<string, { container: string; variant: string }>;
  regionProxies: Record<string, string>;
  networks: Record<string, string>;
}

export interface RegionProxy {
  region: string;
  container: string;
  /** IP on each region's network, keyed by region. */
  ips: Record<string, string>;
  client: ToxiproxyClient;
}

export class DockerBackend implements Backend {
  readonly kind = 'docker' as const;
  readonly proxies: ProxyRef[] = [];
  readonly packetLoss: IptablesLoss;
  /** Network of each region when someone else named them (attachContainers); else brownout-<run>-<region>. */
  private readonly networkNames = new Map<string, string>();
  onStateChange?: () => void;

  private constructor(
    private readonly topology: Topology,
    private readonly runId: string,
    private readonly runDir: string,
    private readonly secrets: ClusterSecrets,
    private readonly servers: Map<string, DockerServer>,
    private readonly networks: Map<string, string>,
    readonly regionProxies: Map<string, RegionProxy>,
  ) {
    this.packetLoss = new IptablesLoss(this, runId);
  }

  static async start(topology: Topology, runId: string, runDir: string, secrets: ClusterSecrets, progress: Progress): Promise<DockerBackend> {
    const specs = serversOf(topology);
    for (const img of [...new Set(specs.map((s) => variantImage(s.variant))), toxiproxyImage()]) await requireImage(img);
    mkdirSync(path.join(runDir, 'conf'), { recursive: true });
    const regions = topology.regions.map((r) => r.name);
    const servers = new Map(specs.map((spec, i): [string, DockerServer] => [spec.name, {
      spec, variant: spec.variant, container: `brownout-${runId}-${spec.name}`, ip: '', proxyPort: proxyPortOf(i),
    }]));
    const b = new DockerBackend(topology, runId, runDir, secrets, servers, new Map(), new Map());
    try {
      progress.info(`creating ${regions.length} networks`);
      for (const r of regions) {
        const net = await docker().createNetwork({ Name: `brownout-${runId}-${r}`, Driver: 'bridge', Labels: runLabels(runId), CheckDuplicate: true });
        b.networks.set(r, net.id);
      }
      progress.info(`starting ${regions.length} toxiproxy containers`);
      await settleAll(regions.map((r) => b.startRegionProxy(r)));
      for (const s of servers.values()) b.writeConfig(s.spec.name);
      progress.info(`starting ${servers.size} server containers`);
      await settleAll([...servers.values()].map((s) => b.startServer(s.spec.name, s.variant)));
    } catch (err) {
      // Keep the first error; a teardown failure must not hide why the start failed.
      await b.teardown().catch((e: unknown) => progress.info(`teardown after failed start: ${e instanceof Error ? e.message : String(e)}`));
      throw err;
    }
    return b;
  }

  /** The backend of a cluster another process started (`cluster up`): containers and proxies found by name. */
  /** `resuming`: a server container found stopped or gone (mid-upgrade) is left for startServer to bring back. */
  static async attach(topology: Topology, runId: string, runDir: string, secrets: ClusterSecrets, variants: Record<string, string>, opts: { resuming?: boolean } = {}): Promise<DockerBackend> {
    const regions = topology.regions.map((x) => x.name);
    return DockerBackend.attachContainers(topology, runId, runDir, secrets, {
      servers: Object.fromEntries(serversOf(topology).map((spec) => [spec.name, { container: `brownout-${runId}-${spec.name}`, variant: variants[spec.name] ?? spec.variant }])),
      regionProxies: Object.fromEntries(regions.map((r) => [r, `brownout-${runId}-toxiproxy-${r}`])),
      networks: Object.fromEntries(regions.map((r) => [r, `brownout-${runId}-${r}`])),
    }, opts);
  }

  /**
   * The backend of containers wired as this backend wires them but named by someone else (the
   * compose stack): servers, region proxies and networks by name; addresses are read from Docker.
   */
  static async attachContainers(topology: Topology, runId: string, runDir: string, secrets: ClusterSecrets, names: AttachedContainers, opts: { resuming?: boolean } = {}): Promise<DockerBackend> {
    const regions = topology.regions.map((x) => x.name);
    const unnamed = [...serversOf(topology).filter((s) => !names.servers[s.name]).map((s) => s.name),
      ...regions.filter((r) => !names.regionProxies[r] || !names.networks[r]).map((r) => `region ${r}`)];
    if (unnamed.length) throw new HarnessError(`attach: no container or network named for ${unnamed.join(', ')}`);
    const servers = new Map(serversOf(topology).map((spec, i): [string, DockerServer] => [spec.name, {
      spec, variant: names.servers[spec.name]!.variant, container: names.servers[spec.name]!.container, ip: '', proxyPort: proxyPortOf(i),
    }]));
    const b = new DockerBackend(topology, runId, runDir, secrets, servers, new Map(), new Map());
    for (const r of regions) {
      b.networkNames.set(r, names.networks[r]!);
      b.networks.set(r, (await docker().getNetwork(b.net(r)).inspect()).Id as string);
    }
    for (const s of servers.values()) {
      if (opts.resuming) await b.refreshIp(s).catch(() => undefined); // stopped or gone: startServer recreates and addresses it
      else await b.refreshIp(s);
    }
    for (const region of regions) {
      const container = names.regionProxies[region]!;
      const nets = (await docker().getContainer(container).inspect()).NetworkSettings.Networks;
      const ips = Object.fromEntries([...b.networks].map(([r]) => [r, nets[b.net(r)]?.IPAddress ?? '']));
      if (!ips[region]) throw new HarnessError(`${container} has no IP on ${b.net(region)}`);
      const client = new ToxiproxyClient(`http://${ips[region]}:${TOXIPROXY_API_PORT}`);
      b.addRegionProxy({ region, container, ips, client });
    }
    return b;
  }

  endpoint(name: string): ServerEndpoint {
    const s = this.get(name);
    const p = this.topology.ports;
    return { name, region: s.spec.region, variant: s.variant, clientUrl: `nats://${s.ip}:${p.client}`, monitorUrl: `http://${s.ip}:${p.monitor}` };
  }

  async startServer(name: string, variant: string): Promise<void> {
    const s = this.get(name);
    const c = docker().getContainer(s.container);
    const existing = await c.inspect().catch(() => undefined);
    if (existing?.State.Running) throw new HarnessError(`${name} is already running`);
    if (existing && variant !== s.variant) {
      // A new image needs a new container; name, alias and config stay.
      await c.remove({ force: true, v: true });
    }
    if (!existing || variant !== s.variant) {
      await requireImage(variantImage(variant));
      await this.createServer(s, variant);
    } else {
      // enterLameDuck turned the topology's restart policy off; the same container, started again, gets it back.
      const wanted = serverHostConfig(this.topology, '', '').RestartPolicy!;
      if ((existing.HostConfig.RestartPolicy?.Name || 'no') !== wanted.Name) await c.update({ RestartPolicy: wanted });
    }
    s.variant = variant;
    this.onStateChange?.(); // the container now holds the new variant, running or not
    await c.start();
    await this.refreshIp(s);
    const monitor = this.endpoint(name).monitorUrl;
    await waitFor(`${name} (${s.container}) monitor at ${monitor}`, 20_000, async () => {
      const st = await c.inspect();
      if (!st.State.Running) throw new HarnessError(`${name} exited at start (code ${st.State.ExitCode}): ${(await this.logs(name)).trim().split('\n').slice(-3).join(' | ')}`);
      await monitorGet(monitor, 'varz', 500);
      return { done: true, value: undefined };
    }, 100);
  }

  async stopServer(name: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const c = docker().getContainer(this.get(name).container);
    const st = await c.inspect();
    if (st.State.Paused) await c.unpause();
    if (!st.State.Running) return;
    if (how === 'SIGKILL') await c.kill({ signal: 'SIGKILL' });
    else await c.stop({ t: 5 });
    await c.wait({ condition: 'not-running' }).catch(() => undefined);
  }

  async isRunning(name: string): Promise<boolean> {
    const st = await docker().getContainer(this.get(name).container).inspect().catch(() => undefined);
    if (!st?.State.Running || st.State.Paused) return false;
    return monitorGet(this.endpoint(name).monitorUrl, 'varz', 2000).then(() => true, () => false);
  }

  async enterLameDuck(name: string): Promise<void> {
    const c = docker().getContainer(this.get(name).container);
    const st = await c.inspect();
    if (!st.State.Running) throw new HarnessError(`${name} is not running`);
    // The server exits when its lame duck ends; a restart policy would bring the old variant back.
    const policy = st.HostConfig.RestartPolicy?.Name ?? '';
    if (policy !== '' && policy !== 'no') await c.update({ RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } });
    // nats-server is pid 1 in its container and handles SIGUSR2 itself (lame-duck mode).
    await c.kill({ signal: 'SIGUSR2' });
  }

  async waitForExit(name: string, deadlineMs: number): Promise<boolean> {
    const c = docker().getContainer(this.get(name).container);
    const until = Date.now() + deadlineMs;
    for (;;) {
      const st = await c.inspect().catch(() => undefined);
      if (!st?.State.Running) return true;
      if (Date.now() >= until) return false;
      await sleep(200);
    }
  }

  async pause(name: string): Promise<void> {
    await docker().getContainer(this.get(name).container).pause();
  }

  async resume(name: string): Promise<void> {
    await docker().getContainer(this.get(name).container).unpause();
  }

  async logs(name: string): Promise<string> {
    const buf = await docker().getContainer(this.get(name).container).logs({ stdout: true, stderr: true, follow: false });
    return demuxLogs(buf as unknown as Buffer);
  }

  serverInfo(name: string): { container: string; region: string; ip: string } {
    const s = this.get(name);
    return { container: s.container, region: s.spec.region, ip: s.ip };
  }

  stateFields() {
    const toxiproxyApis = Object.fromEntries([...this.regionProxies].map(([r, p]) => [r, p.client.apiUrl]));
    return { docker: { label: `${LABEL_RUN}=${this.runId}`, toxiproxyApis } };
  }

  /** Letting go of a cluster that outlives us (`cluster up`, the compose stack): our iptables rules come out. */
  async release(): Promise<void> {
    await this.packetLoss.release();
  }

  async teardown(): Promise<void> {
    const r = await removeDockerRun(this.runId);
    // Rules in removed containers went with their namespaces (the ledger notes them gone); any in a
    // container that could not be removed are taken out.
    const rules = await this.packetLoss.release().then(() => undefined, (e: Error) => e.message);
    const left = [...r.failed, ...(rules ? [rules] : [])];
    if (left.length > 0) throw new HarnessError(`teardown of run ${this.runId} left ${left.join('; ')}`, { hint: 'npm run clean retries; a network with phantom endpoints needs a dockerd restart' });
  }

  teardownSync(): void {
    try {
      const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${LABEL_RUN}=${this.runId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (ids.length) execFileSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore' });
      const nets = execFileSync('docker', ['network', 'ls', '-q', '--filter', `label=${LABEL_RUN}=${this.runId}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
      if (nets.length) execFileSync('docker', ['network', 'rm', ...nets], { stdio: 'ignore' });
    } catch {
      // best effort; the next start's reaper finishes the job by label
    }
  }

  private async startRegionProxy(region: string): Promise<void> {
    const remote = [...this.servers.values()].filter((s) => s.spec.region !== region);
    const configs = regionProxyConfigs(this.topology, [...this.servers.values()], region);
    const file = path.join(this.runDir, `toxiproxy-${region}.json`);
    writeFileSync(file, JSON.stringify(configs, null, 2));
    const name = `brownout-${this.runId}-toxiproxy-${region}`;
    const c = await docker().createContainer({
      name, Image: toxiproxyImage(), Labels: runLabels(this.runId),
      Cmd: ['-host', '0.0.0.0', '-port', String(TOXIPROXY_API_PORT), '-config', '/etc/toxiproxy/proxies.json'],
      // Toxiproxy dials its upstream inside its accept loop, with no timeout: one SYN lost under
      // packet loss (or sent to a dead address) would hold every later connection through that proxy
      // for the kernel's SYN retries (6: ~2 min). nats-server itself dials gateways with a 1 s
      // timeout; one retry (a dial gives up after ~3 s) keeps the proxy close to that.
      // No NET_ADMIN: IP-level loss is placed from the host (nsenter, clusters/iptables-loss.ts), and
      // the sysctl is set by the runtime when it creates the namespace.
      HostConfig: { Binds: [`${file}:/etc/toxiproxy/proxies.json:ro`], NetworkMode: this.net(region), Sysctls: { 'net.ipv4.tcp_syn_retries': '1' } },
      // In its own region's network it answers to every remote server's gateway name.
      NetworkingConfig: { EndpointsConfig: { [this.net(region)]: { Aliases: remote.map((s) => gatewayAlias(s.spec.name)) } } },
    });
    // Attached to the other regions' networks too, to reach the upstream servers there.
    for (const r of this.networks.keys()) if (r !== region) await docker().getNetwork(this.networks.get(r)!).connect({ Container: c.id });
    await c.start();
    const nets = (await c.inspect()).NetworkSettings.Networks;
    const ips = Object.fromEntries([...this.networks].map(([r]) => [r, nets[this.net(r)]?.IPAddress ?? '']));
    const client = new ToxiproxyClient(`http://${ips[region]}:${TOXIPROXY_API_PORT}`);
    this.addRegionProxy({ region, container: name, ips, client });
    await waitFor(`toxiproxy ${name} API at ${client.apiUrl} with ${configs.length} proxies`, 15_000, async () => {
      const n = Object.keys(await client.proxies()).length;
      return n === configs.length ? { done: true, value: n } : { done: false, missing: `${n}/${configs.length} proxies` };
    }, 100);
  }

  private async createServer(s: DockerServer, variant: string): Promise<void> {
    await docker().createContainer({
      name: s.container, Image: variantImage(variant), Labels: { ...runLabels(this.runId), 'brownout.server': s.spec.name },
      Cmd: ['-c', CONF], Hostname: s.spec.name,
      HostConfig: serverHostConfig(this.topology, `${this.confPath(s.spec.name)}:${CONF}:ro`, this.net(s.spec.region)),
      NetworkingConfig: { EndpointsConfig: { [this.net(s.spec.region)]: { Aliases: [s.spec.name] } } },
    });
  }

  private async refreshIp(s: DockerServer): Promise<void> {
    const st = await docker().getContainer(s.container).inspect();
    s.ip = st.NetworkSettings.Networks[this.net(s.spec.region)]?.IPAddress ?? '';
    if (!s.ip) throw new HarnessError(`${s.spec.name} has no IP on ${this.net(s.spec.region)}`);
  }

  /** The server container's network namespace now, entered from the host (nsenter), as for iptables. */
  async socketNamespace(name: string): Promise<ContainerNamespace> {
    const { container } = this.get(name);
    const ns = await inspectNamespace(container);
    if (!ns?.running) throw new HarnessError(`${name}: container ${container} is not running: no network namespace to enter`);
    return { container: ns.name, pid: ns.pid, startedAt: ns.startedAt };
  }

  async reloadConfig(name: string, overrides: ConfigOverrides): Promise<void> {
    const s = this.get(name);
    this.overrides.set(name, overrides);
    this.writeConfig(name);
    await docker().getContainer(s.container).kill({ signal: 'SIGHUP' });
  }

  private readonly overrides = new Map<string, ConfigOverrides>();

  private writeConfig(name: string): void {
    const s = this.get(name);
    // No gateway authorization timeout stand-in here: it stands for a close lost under loss, which
    // the docker backend produces for real (iptables, chaos/faults/packet-loss.ts). Server default.
    const conf = renderConfig({ ...this.topology, gatewayAuthTimeoutSec: undefined }, { ...s.spec, variant: s.variant },
      gatewayWiring(this.topology, [...this.servers.values()], s), this.secrets, this.overrides.get(name));
    writeFileSync(this.confPath(name), conf, { mode: 0o600 });
  }

  /** A region's Toxiproxy and the proxy it holds to every server of another region. */
  private addRegionProxy(rp: RegionProxy): void {
    this.regionProxies.set(rp.region, rp);
    for (const s of this.servers.values()) {
      if (s.spec.region === rp.region) continue;
      this.proxies.push({ name: proxyName(rp.region, s.spec.name), from: rp.region, to: s.spec.name, toRegion: s.spec.region, listen: `${rp.ips[rp.region]}:${s.proxyPort}`, client: rp.client });
    }
  }

  private net(region: string): string {
    return this.networkNames.get(region) ?? `brownout-${this.runId}-${region}`;
  }

  private confPath(name: string): string {
    return path.join(this.runDir, 'conf', `${name}.conf`);
  }

  private get(name: string): DockerServer {
    const s = this.servers.get(name);
    if (!s) throw new HarnessError(`no server "${name}" in this cluster`);
    return s;
  }
}

const MIB = 1024 * 1024;

/**
 * Pure: the HostConfig of a server container. Without `topology.docker` it is what it always was:
 * no restart policy (a server that exits, by lame duck or a kill fault, stays down until startServer)
 * and no memory limit.
 */
export function serverHostConfig(t: Topology, bind: string, network: string): Docker.HostConfig {
  const r = t.docker;
  return {
    Binds: [bind], NetworkMode: network,
    // on-failure with no retry count: Docker keeps starting it (its delay doubles from 100 ms, reset after 10 s up).
    RestartPolicy: { Name: r?.restart ?? 'no' },
    // MemorySwap equal to Memory: no swap on top, so a server over its limit is OOM-killed, not swapped.
    ...(r?.memoryMiB !== undefined ? { Memory: r.memoryMiB * MIB, MemorySwap: r.memoryMiB * MIB } : {}),
  };
}

/** Like Promise.all, but waits for every operation before rejecting, so teardown never races a create. */
async function settleAll(ops: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(ops)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function requireImage(tag: string): Promise<void> {
  try {
    await docker().getImage(tag).inspect();
  } catch (cause) {
    throw new EnvironmentError(`Docker image ${tag} is missing`, { cause, hint: 'run npm run build:nats (images are built when a Docker engine answers)' });
  }
}

