// StartedCluster: the live API on top of a backend. Only a started cluster exists as an object,
// and once stopped every call fails, so a torn-down cluster cannot be used by mistake.
import { HarnessError } from '../core/errors.ts';
import type { Backend, ContainerNamespace } from './backend.ts';
import { Links } from './links.ts';
import { gatewayBypasses, snapshotMesh, waitForMesh, type MeshReport } from './mesh.ts';
import { monitorGet, type Varz } from '../core/nats-monitoring.ts';
import type { ClusterSecrets, ConfigOverrides } from './render-config.ts';
import { upgradeServer, type UpgradeOptions, type UpgradeTiming } from './lame-duck-upgrade.ts';
import { registerLive, unregisterLive } from './signals.ts';
import { selfIdentity, type ProcessIdentity } from '../core/process-identity.ts';
import { removeState, updateState, type BackendKind, type ClusterState } from './state-file.ts';
import { serversOf, type Topology } from './topology.ts';
import type { ClusterView, ProbeAccess, ServerEndpoint, SystemUser } from './view.ts';

export type { UpgradeOptions, UpgradeStep, UpgradeTiming } from './lame-duck-upgrade.ts';

export interface ClusterServer {
  readonly name: string;
  readonly region: string;
  /** Variant it runs now (changes with replaceVariant). */
  readonly variant: string;
  endpoint(): ServerEndpoint;
  /** Current server ID from /varz; a new one after every (re)start. */
  serverId(): Promise<string>;
  start(): Promise<void>;
  /** Graceful stop (SIGTERM); the server stays down until start(). */
  stop(): Promise<void>;
  /** kill -9; the server stays down until start(). */
  kill(): Promise<void>;
  /** Stop and start in place: same name, config and ports, new server ID. */
  restart(): Promise<void>;
  /** SIGSTOP / docker pause: the process stops answering, its sockets stay open. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** SIGTERM, then start on `variant`, even if it already runs it (the `upgrade` fault). */
  replaceVariant(variant: string): Promise<void>;
  /**
   * A rollout step: lame duck (if asked), stop, start on `variant` under the same name, config and
   * ports. Safe to call twice: zero timings when it already runs `variant` (endpoint and /varz
   * version agree); no lame duck when it is stopped. The state file is written after each part.
   */
  upgrade(variant: string, opts?: UpgradeOptions): Promise<UpgradeTiming>;
  /** The process/container is running and its monitor answers. */
  isRunning(): Promise<boolean>;
  logs(): Promise<string>;
  /** Rewrite its config with `overrides` (`{}`: as rendered) and reload it (SIGHUP); local and docker backends. */
  reloadConfig(overrides: ConfigOverrides): Promise<void>;
  /**
   * Where its sockets live: this host's namespace (local backend), or its container's, entered from
   * this host with nsenter (docker backend). Throws on backends whose sockets this host cannot reach.
   */
  socketNamespace(): Promise<SocketNamespace>;
}

export type SocketNamespace = { kind: 'host' } | ({ kind: 'container' } & ContainerNamespace);

export interface StartedCluster extends ClusterView, AsyncDisposable {
  readonly backend: BackendKind;
  readonly topology: Topology;
  readonly runDir: string;
  readonly links: Links;
  server(name: string): ClusterServer;
  servers(): ClusterServer[];
  /** One snapshot of routes and gateways per server. */
  meshStatus(): Promise<MeshReport>;
  /** Resolves when every server has all its routes and gateways; TimeoutError names what is missing. */
  waitForMesh(deadlineMs?: number): Promise<MeshReport>;
  /** Outbound gateways that do not dial a proxy (should always be empty). */
  gatewayBypasses(report?: MeshReport): Promise<string[]>;
  /**
   * False for a cluster attached to (`attachCluster`): this process did not start it and stop()
   * only lets go of it, leaving every server running.
   */
  readonly owned: boolean;
  /** Remove every process, container, network and proxy this run made (owned clusters only). */
  stop(): Promise<void>;
  /**
   * Keep the cluster after this process exits (`cluster up`; a rollout, for its resume); the state
   * file stays. While this process lives it still owns the cluster: no reaper touches it.
   */
  detach(): void;
}

/** How a Cluster object relates to the servers: started here, or attached to from its state file. */
export interface ClusterOwnership {
  owned: boolean;
  createdAt: string;
  ownerPid: number;
  /** The owner process; set for clusters booted here (this process). */
  owner?: ProcessIdentity;
  detached: boolean;
  /** false: no state file (the compose stack is found by its compose labels, not by ours). */
  persist?: boolean;
}

export class Cluster implements StartedCluster {
  readonly regions: readonly string[];
  readonly system: SystemUser;
  readonly probe?: ProbeAccess;
  readonly monitorOnly: boolean;
  readonly links: Links;
  private readonly handles = new Map<string, ClusterServer>();
  readonly owned: boolean;
  private stopped = false;
  private readonly ownership: ClusterOwnership;
  private readonly live = { stop: () => this.stop(), teardownSync: () => this.impl.teardownSync() };
  /**
   * Servers this object is acting on right now (a count per server): a save writes only their part
   * of the state file, so a chaos run attached to a cluster and its owner never undo each other.
   */
  private readonly acting = new Map<string, number>();

  constructor(
    readonly runId: string,
    readonly topology: Topology,
    readonly runDir: string,
    secrets: { system: SystemUser; probe?: ProbeAccess },
    private readonly impl: Backend,
    ownership: ClusterOwnership = { owned: true, createdAt: new Date().toISOString(), ownerPid: process.pid, owner: selfIdentity(), detached: false },
  ) {
    this.ownership = { ...ownership };
    this.owned = ownership.owned;
    this.regions = topology.regions.map((r) => r.name);
    this.system = { ...secrets.system };
    if (secrets.probe) this.probe = { ...secrets.probe };
    this.monitorOnly = impl.kind === 'external';
    const regionOf = new Map(serversOf(topology).map((s) => [s.name, s.region]));
    this.links = new Links(impl.proxies, (n) => regionOf.get(n), impl.packetLoss, impl.kind === 'external');
    for (const s of serversOf(topology)) this.handles.set(s.name, this.handle(s.name, s.region));
    impl.onStateChange = () => this.save();
    // An attached cluster is not ours to tear down, not even on Ctrl-C.
    if (this.owned) registerLive(this.live);
    // The owner that booted it writes its whole view once; an attached one has nothing new to say yet.
    if (this.owned) this.save(serversOf(topology).map((s) => s.name));
  }

  get backend(): BackendKind {
    return this.impl.kind;
  }

  endpoints(): ServerEndpoint[] {
    return [...this.handles.keys()].map((n) => this.impl.endpoint(n));
  }

  server(name: string): ClusterServer {
    this.alive();
    const h = this.handles.get(name);
    if (!h) throw new HarnessError(`no server "${name}"; servers are ${[...this.handles.keys()].join(', ')}`);
    return h;
  }

  servers(): ClusterServer[] {
    return [...this.handles.values()];
  }

  meshStatus(): Promise<MeshReport> {
    this.alive();
    return snapshotMesh(this.endpoints());
  }

  waitForMesh(deadlineMs = 30_000): Promise<MeshReport> {
    this.alive();
    return waitForMesh(() => this.endpoints(), deadlineMs);
  }

  async gatewayBypasses(report?: MeshReport): Promise<string[]> {
    const r = report ?? (await this.meshStatus());
    // A backend that judges its own (external: only the gateways a user's proxy is named for).
    return this.impl.gatewayBypasses ? this.impl.gatewayBypasses(r) : gatewayBypasses(r, this.links.proxyAddresses());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.owned) {
      // On a user's Toxiproxy, letting go undoes what this object placed there (a packet-loss heal
      // leaves its toxic at toxicity 0, for instance), and nothing else.
      try {
        if (this.impl.kind === 'external') await this.links.reset();
      } finally {
        await this.impl.release?.();
      }
      return;
    }
    try {
      await this.impl.teardown();
      removeState(this.runId);
    } finally {
      unregisterLive(this.live);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  detach(): void {
    this.ownership.detached = true;
    if (!this.stopped && this.ownership.persist !== false) updateState(this.runId, (cur) => ({ ...cur, detached: true }));
    unregisterLive(this.live);
  }

  private handle(name: string, region: string): ClusterServer {
    const impl = this.impl;
    const self = this;
    // Marks the server as acted on for the whole operation, so saves from inside it (a backend's
    // onStateChange, an upgrade's steps) and the one at its end write this server's part.
    const acting = async <T>(fn: () => Promise<T>): Promise<T> => {
      self.acting.set(name, (self.acting.get(name) ?? 0) + 1);
      try {
        return await fn();
      } finally {
        self.save();
        const n = (self.acting.get(name) ?? 1) - 1;
        if (n > 0) self.acting.set(name, n);
        else self.acting.delete(name);
      }
    };
    return {
      name, region,
      get variant() { return impl.endpoint(name).variant; },
      endpoint: () => impl.endpoint(name),
      serverId: async () => (await monitorGet<Varz>(impl.endpoint(name).monitorUrl, 'varz')).server_id,
      start: () => { self.alive(); return acting(() => impl.startServer(name, impl.endpoint(name).variant)); },
      stop: () => { self.alive(); return acting(() => impl.stopServer(name, 'SIGTERM')); },
      kill: () => { self.alive(); return acting(() => impl.stopServer(name, 'SIGKILL')); },
      restart: () => {
        self.alive();
        return acting(async () => {
          await impl.stopServer(name, 'SIGTERM');
          await impl.startServer(name, impl.endpoint(name).variant);
        });
      },
      pause: () => { self.alive(); return impl.pause(name); },
      resume: () => { self.alive(); return impl.resume(name); },
      replaceVariant: (variant: string) => {
        self.alive();
        return acting(async () => {
          await impl.stopServer(name, 'SIGTERM');
          await impl.startServer(name, variant);
        });
      },
      upgrade: (variant: string, opts?: UpgradeOptions) => {
        self.alive();
        return acting(() => upgradeServer({ backend: impl, topology: self.topology, save: () => self.save() }, name, variant, opts));
      },
      isRunning: () => { self.alive(); return impl.isRunning(name); },
      logs: () => impl.logs(name),
      reloadConfig: (overrides: ConfigOverrides) => {
        self.alive();
        if (!impl.reloadConfig) throw new HarnessError(`the ${impl.kind} backend cannot rewrite ${name}'s configuration`);
        return impl.reloadConfig(name, overrides);
      },
      socketNamespace: async (): Promise<SocketNamespace> => {
        self.alive();
        if (impl.kind === 'local') return { kind: 'host' };
        if (!impl.socketNamespace) throw new HarnessError(`the ${impl.kind} backend cannot reach ${name}'s sockets from this host`);
        return { kind: 'container', ...(await impl.socketNamespace(name)) };
      },
    };
  }

  /**
   * Write this object's view of `servers` (default: the ones it is acting on) into the state file,
   * leaving every other server, and the owner fields, as the file has them. The first save of the
   * cluster's owner writes everything it booted.
   */
  private save(servers: readonly string[] = [...this.acting.keys()]): void {
    if (this.stopped || this.ownership.persist === false || servers.length === 0) return;
    const mine = new Set(servers);
    const view = this.impl.stateFields();
    const endpoints = this.endpoints();
    updateState(this.runId, (cur) => {
      const next: ClusterState = {
        ...cur,
        endpoints: [...cur.endpoints.filter((e) => !mine.has(e.name)), ...endpoints.filter((e) => mine.has(e.name))]
          .sort((a, b) => endpoints.findIndex((e) => e.name === a.name) - endpoints.findIndex((e) => e.name === b.name)),
      };
      if (view.local) {
        const servers = { ...(cur.local?.servers ?? {}) };
        for (const n of mine) if (view.local.servers[n]) servers[n] = view.local.servers[n]!;
        next.local = { toxiproxy: cur.local?.toxiproxy ?? view.local.toxiproxy, servers };
      }
      if (view.docker) next.docker = cur.docker ?? view.docker;
      if (view.swarm) next.swarm = cur.swarm ?? view.swarm;
      return next;
    });
  }

  private alive(): void {
    if (this.stopped) throw new HarnessError(`cluster ${this.runId} is stopped`);
  }
}
