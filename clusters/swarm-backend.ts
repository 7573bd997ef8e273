// Swarm backend: the docker backend's wiring (docker-wiring.ts) on a Docker swarm. One overlay network
// per region; one service per server, placed on the nodes labeled `brownout.region=<region>`, its
// whole config (it holds the system password) a Docker secret, never an environment variable; one
// Toxiproxy service per region, placed with its region, answering on its own region's network to
// every remote server's gateway alias, so every cross-region byte still crosses it. Services use
// DNS round robin (no VIP: /gatewayz then shows the proxy's own address, which the bypass check
// reads) and host-mode published ports (the ingress mesh does not answer on the node itself): the
// harness reaches each server at <its node's address>:<published port>.
// Faults act on a task's container through the engine of the node it runs on (swarm-engines.ts):
// stop, kill, pause and lame duck are that engine's container API; IP loss is iptables in the
// container's namespace (swarm-loss-tools.ts). Restart policy `none`: a stopped server stays down
// until startServer forces a new task (`service update --force`), as on the other backends.
// Over 300 lines on purpose, as docker-backend.ts: one class holds the services' lifecycle; engines
// (swarm-engines.ts), images (swarm-images.ts), removal (swarm-resources.ts) and IP loss live elsewhere.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { EnvironmentError, HarnessError } from '../core/errors.ts';
import { demuxLogs, docker as hostDocker, dockerAvailable } from '../core/docker-engine.ts';
import { toxiproxyImage, variantImage } from '../core/layout.ts';
import { monitorGet } from '../core/nats-monitoring.ts';
import type { Backend, Progress } from './backend.ts';
import { LABEL_RUN, runLabels } from './docker-resources.ts';
import { gatewayAlias, gatewayWiring, proxyName, proxyPortOf, regionProxyConfigs, TOXIPROXY_API_PORT } from './docker-wiring.ts';
import { ensureIptablesImage } from './iptables-image.ts';
import { IptablesLoss } from './iptables-loss.ts';
import type { ProxyRef } from './links.ts';
import { renderConfig, type ClusterSecrets } from './render-config.ts';
import { copyImages } from './swarm-images.ts';
import { SwarmEngines } from './swarm-engines.ts';
import { swarmLossTools } from './swarm-loss-tools.ts';
import { removeSwarmRun } from './swarm-resources.ts';
import { ToxiproxyClient } from './toxiproxy-client.ts';
import { serversOf, type ServerSpec, type Topology } from './topology.ts';
import type { ServerEndpoint } from './view.ts';
import { waitFor } from './wait.ts';

export const LABEL_REGION = 'brownout.region';
const CONF = '/etc/nats/nats-server.conf';
/**
 * Published (host-mode) ports on a task's node: unique per server (servers may share a node) and per
 * run (runs may share a swarm): run block b (0..29) publishes server i's client port at
 * 30000 + 100b + i, its monitor at 33000 + 100b + i, region r's Toxiproxy API at 36000 + 100b + r.
 */
export const SWARM_PORT_BLOCKS = 30;
export const SWARM_BLOCK_SIZE = 100;
export function swarmPorts(block: number) {
  const off = block * SWARM_BLOCK_SIZE;
  return { client: (i: number) => 30000 + off + i, monitor: (i: number) => 33000 + off + i, proxyApi: (r: number) => 36000 + off + r };
}

/** Pure: the first block, from `start` round, none of whose client ports another service publishes. */
export function freePortBlock(used: ReadonlySet<number>, start: number): number {
  for (let k = 0; k < SWARM_PORT_BLOCKS; k++) {
    const b = (start + k) % SWARM_PORT_BLOCKS;
    const p = swarmPorts(b);
    if (![...used].some((u) => (u >= p.client(0) && u < p.client(SWARM_BLOCK_SIZE)) || (u >= p.monitor(0) && u < p.monitor(SWARM_BLOCK_SIZE)) || (u >= p.proxyApi(0) && u < p.proxyApi(SWARM_BLOCK_SIZE)))) return b;
  }
  throw new HarnessError(`every one of the ${SWARM_PORT_BLOCKS} published port blocks of this swarm is in use`);
}

/** Where a task runs now: its node, that node's address, its container, its IP on each network. */
export interface TaskPlace { taskId: string; nodeId: string; nodeAddr: string; container: string; ips: Record<string, string> }

interface SwarmServer { spec: ServerSpec; index: number; variant: string; service: string; task?: TaskPlace }

/**
 * Pure: the swarm name of one of a run's objects, `brownout-<run>-<what>`; swarm allows 63
 * characters, so a long run id (a rollout's) is replaced by a hash of it. Labels keep the full id.
 */
export function swarmName(runId: string, what: string): string {
  const full = `brownout-${runId}-${what}`;
  return full.length <= 63 ? full : `brownout-${createHash('sha256').update(runId).digest('hex').slice(0, 12)}-${what}`;
}

/** Pure: the placement constraint of a region, or none (spread) when no node is labeled for it. */
export function placementOf(region: string, labeledRegions: ReadonlySet<string>): string[] {
  return labeledRegions.has(region) ? [`node.labels.${LABEL_REGION}==${region}`] : [];
}

export class SwarmBackend implements Backend {
  readonly kind = 'swarm' as const;
  readonly proxies: ProxyRef[] = [];
  readonly packetLoss: IptablesLoss;
  readonly regionProxies = new Map<string, { region: string; service: string; container: string; ips: Record<string, string>; client: ToxiproxyClient; task: TaskPlace }>();
  /** Each iptables helper container as its engine created it (swarm-loss-tools.ts), for tests. */
  readonly lossHelpers: Docker.ContainerInspectInfo[] = [];
  private helperTag?: Promise<string>;
  private readonly helperOn = new Map<string, Promise<void>>();
  private readonly networks = new Map<string, string>();
  private readonly labeled = new Set<string>();
  private ports = swarmPorts(0);
  onStateChange?: () => void;

  private constructor(
    private readonly topology: Topology,
    private readonly runId: string,
    private readonly secrets: ClusterSecrets,
    readonly engines: SwarmEngines,
    private readonly servers: Map<string, SwarmServer>,
  ) {
    this.packetLoss = new IptablesLoss(this, runId, swarmLossTools(engines, { runId, helperImage: (nodeId) => this.helperImage(nodeId), onHelper: (i) => this.lossHelpers.push(i) }));
  }

  static async start(topology: Topology, runId: string, secrets: ClusterSecrets, progress: Progress): Promise<SwarmBackend> {
    const engines = await SwarmEngines.connect();
    const specs = serversOf(topology);
    const servers = new Map(specs.map((spec, i): [string, SwarmServer] => [spec.name, { spec, index: i, variant: spec.variant, service: swarmName(runId, `${spec.name}`) }]));
    const b = new SwarmBackend(topology, runId, secrets, engines, servers);
    try {
      await b.placeImages([...new Set(specs.map((s) => variantImage(s.variant))), toxiproxyImage()], progress);
      await b.readLabels(progress);
      await b.pickPorts();
      const regions = topology.regions.map((r) => r.name);
      progress.info(`creating ${regions.length} overlay networks`);
      for (const r of regions) {
        const net = await engines.manager.createNetwork({ Name: swarmName(runId, `${r}`), Driver: 'overlay', Attachable: true, Labels: runLabels(runId), CheckDuplicate: true });
        b.networks.set(r, net.id);
      }
      progress.info(`starting ${regions.length} toxiproxy services`);
      await settleAll(regions.map((r, i) => b.startRegionProxy(r, i)));
      progress.info(`starting ${servers.size} server services`);
      await settleAll([...servers.values()].map((s) => b.createServer(s)));
      await settleAll([...servers.values()].map((s) => b.awaitServer(s, undefined)));
    } catch (err) {
      await b.teardown().catch((e: unknown) => progress.info(`teardown after failed start: ${e instanceof Error ? e.message : String(e)}`));
      throw err;
    }
    return b;
  }

  /** The backend of a swarm cluster another process started, found by its services' names through the engines it recorded. */
  static async attach(topology: Topology, runId: string, secrets: ClusterSecrets, variants: Record<string, string>, recorded: { manager: string; engines: string[] }, opts: { resuming?: boolean } = {}): Promise<SwarmBackend> {
    const engines = await SwarmEngines.connect({ BROWNOUT_SWARM_HOST: recorded.manager, BROWNOUT_SWARM_ENGINES: recorded.engines.join(',') });
    const servers = new Map(serversOf(topology).map((spec, i): [string, SwarmServer] => [spec.name, { spec, index: i, variant: variants[spec.name] ?? spec.variant, service: swarmName(runId, `${spec.name}`) }]));
    const b = new SwarmBackend(topology, runId, secrets, engines, servers);
    const regions = topology.regions.map((r) => r.name);
    const api = (await engines.manager.getService(swarmName(runId, `toxiproxy-${regions[0]}`)).inspect()) as { Spec: { EndpointSpec?: { Ports?: { PublishedPort?: number }[] } } };
    b.ports = swarmPorts(Math.floor(((api.Spec.EndpointSpec?.Ports?.[0]?.PublishedPort ?? 36000) - 36000) / SWARM_BLOCK_SIZE));
    for (const r of regions) b.networks.set(r, (await engines.manager.getNetwork(swarmName(runId, `${r}`)).inspect()).Id as string);
    for (const [i, r] of regions.entries()) await b.adoptRegionProxy(r, i, await b.awaitTask(swarmName(runId, `toxiproxy-${r}`), undefined, 10_000));
    for (const s of servers.values()) {
      const t = b.awaitTask(s.service, undefined, 5_000);
      // Resuming: a server found stopped (mid-upgrade) is left for startServer to bring back.
      s.task = opts.resuming ? await t.catch(() => undefined) : await t;
    }
    return b;
  }

  endpoint(name: string): ServerEndpoint {
    const s = this.get(name);
    const addr = s.task?.nodeAddr ?? '0.0.0.0';
    return { name, region: s.spec.region, variant: s.variant, clientUrl: `nats://${addr}:${this.ports.client(s.index)}`, monitorUrl: `http://${addr}:${this.ports.monitor(s.index)}` };
  }

  /** A new task of the server's service (`service update --force`), on `variant`'s image. */
  async startServer(name: string, variant: string): Promise<void> {
    const s = this.get(name);
    if (await this.containerRunning(s)) throw new HarnessError(`${name} is already running`);
    if (variant !== s.variant) await this.placeImages([variantImage(variant)]);
    const svc = this.engines.manager.getService(s.service);
    const cur = (await svc.inspect()) as { Version: { Index: number }; Spec: Docker.ServiceSpec & { TaskTemplate: { ContainerSpec: { Image?: string }; ForceUpdate?: number } } };
    const spec = cur.Spec;
    spec.TaskTemplate.ContainerSpec.Image = await this.imageId(variantImage(variant));
    spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
    const before = s.task?.taskId;
    await svc.update({ _query: { version: cur.Version.Index }, _body: spec } as unknown as Docker.ServiceSpec);
    s.variant = variant;
    this.onStateChange?.();
    await this.awaitServer(s, before);
  }

  async stopServer(name: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const s = this.get(name);
    const c = await this.current(s);
    const st = await c.inspect().catch(() => undefined);
    if (!st?.State.Running) return;
    if (st.State.Paused) await c.unpause();
    if (how === 'SIGKILL') await c.kill({ signal: 'SIGKILL' });
    else await c.stop({ t: 5 });
    await c.wait({ condition: 'not-running' }).catch(() => undefined);
  }

  async isRunning(name: string): Promise<boolean> {
    const s = this.get(name);
    if (!(await this.containerRunning(s))) return false;
    return monitorGet(this.endpoint(name).monitorUrl, 'varz', 2000).then(() => true, () => false);
  }

  async enterLameDuck(name: string): Promise<void> {
    const s = this.get(name);
    if (!(await this.containerRunning(s))) throw new HarnessError(`${name} is not running`);
    // nats-server is pid 1 in its task's container and handles SIGUSR2 itself; restart policy none keeps it down after.
    await (await this.current(s)).kill({ signal: 'SIGUSR2' });
  }

  async waitForExit(name: string, deadlineMs: number): Promise<boolean> {
    const s = this.get(name);
    const until = Date.now() + deadlineMs;
    for (;;) {
      if (!(await this.containerRunning(s, true))) return true;
      if (Date.now() >= until) return false;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async pause(name: string): Promise<void> {
    await (await this.current(this.get(name))).pause();
  }

  async resume(name: string): Promise<void> {
    await (await this.current(this.get(name))).unpause();
  }

  async logs(name: string): Promise<string> {
    const buf = await (await this.current(this.get(name))).logs({ stdout: true, stderr: true, follow: false });
    return demuxLogs(buf as unknown as Buffer);
  }

  /** For IP loss (iptables-loss.ts): a server's container as `<node>/<container>`, and its IP on its region's network. */
  serverInfo(name: string): { container: string; region: string; ip: string } {
    const s = this.get(name);
    if (!s.task) throw new HarnessError(`${name} has no running task`);
    return { container: `${s.task.nodeId}/${s.task.container}`, region: s.spec.region, ip: s.task.ips[s.spec.region] ?? '' };
  }

  /** Which swarm node each server's task runs on now. */
  placement(): Record<string, string> {
    return Object.fromEntries([...this.servers.values()].map((s) => [s.spec.name, s.task?.nodeId ?? '']));
  }

  stateFields() {
    const toxiproxyApis = Object.fromEntries([...this.regionProxies].map(([r, p]) => [r, p.client.apiUrl]));
    return { swarm: { label: `${LABEL_RUN}=${this.runId}`, manager: this.engines.addresses.manager, engines: this.engines.addresses.engines, toxiproxyApis } };
  }

  async release(): Promise<void> {
    await this.packetLoss.release();
  }

  async teardown(): Promise<void> {
    // Rules first, while the containers holding them still exist (their namespaces go with them anyway).
    const rules = await this.packetLoss.release().then(() => undefined, (e: Error) => e.message);
    const r = await removeSwarmRun(this.engines, this.runId);
    const left = [...r.failed, ...(rules ? [rules] : [])];
    if (left.length > 0) throw new HarnessError(`teardown of swarm run ${this.runId} left ${left.join('; ')}`, { hint: 'npm run clean retries' });
  }

  teardownSync(): void {
    // Best effort through the docker CLI (the manager's address as DOCKER_HOST): removing the services
    // stops their tasks on every node; networks, secrets and configs still in use then are left to
    // the next start's reaper, which reads this run's state file.
    const env = { ...process.env, DOCKER_HOST: this.engines.addresses.manager };
    const filter = ['--filter', `label=${LABEL_RUN}=${this.runId}`];
    for (const kind of ['service', 'network', 'secret', 'config']) {
      try {
        const ids = execFileSync('docker', [kind, 'ls', '-q', ...filter], { encoding: 'utf8', env, timeout: 10_000 }).split('\n').filter(Boolean);
        if (ids.length) execFileSync('docker', [kind, 'rm', ...ids], { stdio: 'ignore', env, timeout: 20_000 });
      } catch {
        // best effort
      }
    }
  }

  /** The iptables helper image, built here once and loaded into a node the first time a rule goes there. */
  private async helperImage(nodeId: string): Promise<string> {
    this.helperTag ??= ensureIptablesImage();
    const tag = await this.helperTag;
    let placed = this.helperOn.get(nodeId);
    if (!placed) {
      placed = (async () => {
        if (await dockerAvailable()) await copyImages(hostDocker(), this.engines.node(nodeId), [tag]);
      })();
      this.helperOn.set(nodeId, placed);
      placed.catch(() => this.helperOn.delete(nodeId));
    }
    await placed;
    return tag;
  }

  private async placeImages(tags: string[], progress?: Progress): Promise<void> {
    // Without a registry: from the engine brownout builds on to every node that lacks them. Without
    // a local engine (a harness off the swarm), the nodes must hold the images already.
    if (!(await dockerAvailable())) return;
    for (const id of this.engines.nodeIds()) {
      const copied = await copyImages(hostDocker(), this.engines.node(id), tags);
      if (copied.length) progress?.info(`loaded ${copied.join(', ')} into node ${id.slice(0, 12)}`);
    }
  }

  /** A port block no other service of the swarm publishes in, starting from one the run id picks. */
  private async pickPorts(): Promise<void> {
    const used = new Set<number>();
    for (const svc of await this.engines.manager.listServices()) for (const p of [...(svc.Endpoint?.Ports ?? []), ...(svc.Spec?.EndpointSpec?.Ports ?? [])]) if (p.PublishedPort) used.add(p.PublishedPort);
    let h = 0;
    for (const c of this.runId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    this.ports = swarmPorts(freePortBlock(used, h % SWARM_PORT_BLOCKS));
  }

  /**
   * A service names its image by id: a node then skips the registry. By tag, every task start first
   * tries to pull (and without a registry in reach waits for the DNS timeout, ~20 s here) before it
   * falls back to the loaded image. The id is the same on every node that loaded the image.
   */
  private async imageId(tag: string): Promise<string> {
    try {
      return (await this.engines.manager.getImage(tag).inspect()).Id;
    } catch (cause) {
      throw new EnvironmentError(`image ${tag} is not on the swarm manager`, { cause, hint: 'build it where brownout runs (npm run build:nats) or docker load it on every node' });
    }
  }

  private async readLabels(progress: Progress): Promise<void> {
    for (const n of await this.engines.manager.listNodes()) {
      const r = (n as { Spec?: { Labels?: Record<string, string> } }).Spec?.Labels?.[LABEL_REGION];
      if (r) this.labeled.add(r);
    }
    for (const r of this.topology.regions) {
      if (!this.labeled.has(r.name)) progress.info(`warning: no swarm node is labeled ${LABEL_REGION}=${r.name}: its services spread over every node (docker node update --label-add ${LABEL_REGION}=${r.name} <node>)`);
    }
  }

  private async startRegionProxy(region: string, i: number): Promise<void> {
    const all = [...this.servers.values()].map((s) => ({ spec: s.spec, proxyPort: proxyPortOf(s.index) }));
    const configs = regionProxyConfigs(this.topology, all, region);
    const service = swarmName(this.runId, `toxiproxy-${region}`);
    const cfg = await this.engines.manager.createConfig({ Name: swarmName(this.runId, `toxiproxy-${region}-proxies`), Labels: runLabels(this.runId), Data: Buffer.from(JSON.stringify(configs)).toString('base64') });
    const remote = [...this.servers.values()].filter((s) => s.spec.region !== region);
    await this.engines.manager.createService({
      Name: service, Labels: runLabels(this.runId),
      TaskTemplate: {
        ContainerSpec: {
          Image: await this.imageId(toxiproxyImage()), Labels: runLabels(this.runId),
          Args: ['-host', '0.0.0.0', '-port', String(TOXIPROXY_API_PORT), '-config', '/etc/toxiproxy/proxies.json'],
          Configs: [{ File: { Name: '/etc/toxiproxy/proxies.json', UID: '0', GID: '0', Mode: 0o444 }, ConfigID: (cfg as { id: string }).id, ConfigName: swarmName(this.runId, `toxiproxy-${region}-proxies`) }],
          // As on the docker backend: a lost SYN must not hold the proxy's accept loop for 2 minutes.
          Sysctls: { 'net.ipv4.tcp_syn_retries': '1' },
        } as Docker.ContainerSpec,
        Placement: { Constraints: placementOf(region, this.labeled) },
        RestartPolicy: { Condition: 'on-failure' },
        // Its own region's network first, with every remote server's gateway name; the others to reach the upstreams.
        Networks: [...this.networks].sort(([a], [b]) => (a === region ? -1 : b === region ? 1 : 0)).map(([r, id]) => ({ Target: id, Aliases: r === region ? remote.map((s) => gatewayAlias(s.spec.name)) : [] })),
      },
      Mode: { Replicated: { Replicas: 1 } },
      EndpointSpec: { Mode: 'dnsrr', Ports: [{ Protocol: 'tcp', TargetPort: TOXIPROXY_API_PORT, PublishedPort: this.ports.proxyApi(i), PublishMode: 'host' }] },
    } as Docker.CreateServiceOptions);
    const client = await this.adoptRegionProxy(region, i, await this.awaitTask(service, undefined, 60_000));
    await waitFor(`toxiproxy ${service} API at ${client.apiUrl} with ${configs.length} proxies`, 30_000, async () => {
      const n = Object.keys(await client.proxies()).length;
      return n === configs.length ? { done: true, value: n } : { done: false, missing: `${n}/${configs.length} proxies` };
    }, 200);
  }

  private async adoptRegionProxy(region: string, i: number, task: TaskPlace): Promise<ToxiproxyClient> {
    const service = swarmName(this.runId, `toxiproxy-${region}`);
    const client = new ToxiproxyClient(`http://${task.nodeAddr}:${this.ports.proxyApi(i)}`);
    this.regionProxies.set(region, { region, service, container: `${task.nodeId}/${task.container}`, ips: task.ips, client, task });
    for (const s of this.servers.values()) {
      if (s.spec.region === region) continue;
      this.proxies.push({ name: proxyName(region, s.spec.name), from: region, to: s.spec.name, toRegion: s.spec.region, listen: `${task.ips[region]}:${proxyPortOf(s.index)}`, client });
    }
    return client;
  }

  private async createServer(s: SwarmServer): Promise<void> {
    const wired = [...this.servers.values()].map((o) => ({ spec: o.spec, proxyPort: proxyPortOf(o.index) }));
    const conf = renderConfig({ ...this.topology, gatewayAuthTimeoutSec: undefined }, s.spec, gatewayWiring(this.topology, wired, wired[s.index]!), this.secrets);
    // The config names the system account's password: a secret (encrypted in the swarm's log, a tmpfs file in the task).
    const secretName = swarmName(this.runId, `${s.spec.name}-conf`);
    const secret = await this.engines.manager.createSecret({ Name: secretName, Labels: runLabels(this.runId), Data: Buffer.from(conf).toString('base64') });
    const p = this.topology.ports;
    await this.engines.manager.createService({
      Name: s.service, Labels: { ...runLabels(this.runId), 'brownout.server': s.spec.name },
      TaskTemplate: {
        ContainerSpec: {
          Image: await this.imageId(variantImage(s.variant)), Args: ['-c', CONF], Hostname: s.spec.name, Labels: { ...runLabels(this.runId), 'brownout.server': s.spec.name },
          Secrets: [{ File: { Name: CONF, UID: '0', GID: '0', Mode: 0o400 }, SecretID: (secret as { id: string }).id, SecretName: secretName }],
          StopGracePeriod: 5_000_000_000,
        } as Docker.ContainerSpec,
        Placement: { Constraints: placementOf(s.spec.region, this.labeled) },
        RestartPolicy: { Condition: 'none' },
        Networks: [{ Target: this.networks.get(s.spec.region)!, Aliases: [s.spec.name] }],
      },
      Mode: { Replicated: { Replicas: 1 } },
      EndpointSpec: {
        Mode: 'dnsrr', Ports: [
          { Protocol: 'tcp', TargetPort: p.client, PublishedPort: this.ports.client(s.index), PublishMode: 'host' },
          { Protocol: 'tcp', TargetPort: p.monitor, PublishedPort: this.ports.monitor(s.index), PublishMode: 'host' },
        ],
      },
    } as Docker.CreateServiceOptions);
  }

  /** Wait for the service's newest task (not `before`) to run, then for the server's monitor. */
  private async awaitServer(s: SwarmServer, before: string | undefined): Promise<void> {
    s.task = await this.awaitTask(s.service, before, 60_000);
    this.onStateChange?.();
    const monitor = this.endpoint(s.spec.name).monitorUrl;
    await waitFor(`${s.spec.name} (${s.service}) monitor at ${monitor}`, 60_000, async () => {
      await monitorGet(monitor, 'varz', 1000);
      return { done: true, value: undefined };
    }, 200);
  }

  private async awaitTask(service: string, before: string | undefined, deadlineMs: number): Promise<TaskPlace> {
    return waitFor(`a running task of swarm service ${service}`, deadlineMs, () => this.findTask(service, before), 250);
  }

  /** The service's running task now (not `before`), or what is missing. */
  private async findTask(service: string, before?: string): Promise<{ done: true; value: TaskPlace } | { done: false; missing: string }> {
    const tasks = (await this.engines.manager.listTasks({ filters: JSON.stringify({ service: [service], 'desired-state': ['running'] }) })) as SwarmTask[];
    const t = tasks.find((x) => x.ID !== before && x.Status?.State === 'running' && x.Status.ContainerStatus?.ContainerID);
    if (!t) {
      const last = tasks.find((x) => x.ID !== before);
      if (last?.Status?.State === 'rejected' || last?.Status?.State === 'failed') throw new HarnessError(`task of ${service} ${last.Status.State}: ${last.Status.Err ?? ''}`);
      return { done: false, missing: last ? `task ${last.Status?.State} ${last.Status?.Err ?? last.Status?.Message ?? ''}` : 'no task yet' };
    }
    const node = (await this.engines.manager.getNode(t.NodeID).inspect()) as { Status?: { Addr?: string } };
    const ips: Record<string, string> = {};
    for (const a of t.NetworksAttachments ?? []) {
      const region = [...this.networks].find(([, id]) => id === a.Network?.ID)?.[0];
      if (region && a.Addresses?.[0]) ips[region] = a.Addresses[0].split('/')[0]!;
    }
    return { done: true, value: { taskId: t.ID, nodeId: t.NodeID, nodeAddr: node.Status?.Addr ?? '', container: t.Status!.ContainerStatus!.ContainerID!, ips } };
  }

  /**
   * The container of the server's current task. Another process (an attached chaos run, a resumed
   * controller) may have replaced the task since this object last looked: a running task found
   * now wins over the one remembered; with none running, the remembered (stopped) one is used.
   */
  private async current(s: SwarmServer): Promise<Docker.Container> {
    const found = await this.findTask(s.service).catch(() => undefined);
    if (found?.done && found.value.taskId !== s.task?.taskId) {
      s.task = found.value;
      this.onStateChange?.();
    }
    return this.container(s);
  }

  private async containerRunning(s: SwarmServer, evenPaused = false): Promise<boolean> {
    const c = await this.current(s).catch(() => undefined);
    const st = await c?.inspect().catch(() => undefined);
    return !!st?.State.Running && (evenPaused || !st.State.Paused);
  }

  private container(s: SwarmServer): Docker.Container {
    if (!s.task) throw new HarnessError(`${s.spec.name} has no task`);
    return this.engines.node(s.task.nodeId).getContainer(s.task.container);
  }

  private get(name: string): SwarmServer {
    const s = this.servers.get(name);
    if (!s) throw new HarnessError(`no server "${name}" in this cluster`);
    return s;
  }
}

interface SwarmTask {
  ID: string;
  NodeID: string;
  Status?: { State?: string; Err?: string; Message?: string; ContainerStatus?: { ContainerID?: string } };
  NetworksAttachments?: { Network?: { ID?: string }; Addresses?: string[] }[];
}

async function settleAll(ops: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(ops)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

