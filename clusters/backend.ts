// What a backend does for the cluster; the StartedCluster adds topology, state and the link API.
import type { PacketLossDriver, ProxyRef } from './links.ts';
import type { MeshReport } from './mesh.ts';
import type { BackendKind, ClusterState } from './state-file.ts';
import type { ConfigOverrides } from './render-config.ts';
import type { ServerEndpoint } from './view.ts';

export interface Backend {
  readonly kind: BackendKind;
  readonly proxies: ProxyRef[];
  readonly packetLoss?: PacketLossDriver;
  endpoint(name: string): ServerEndpoint;
  /** Start (or start again) a stopped server with this variant; resolves when its monitor answers. */
  startServer(name: string, variant: string): Promise<void>;
  /** SIGTERM waits for a clean exit; SIGKILL is kill -9. */
  stopServer(name: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** The process/container runs (not paused) and its monitor answers. */
  isRunning(name: string): Promise<boolean>;
  /** SIGUSR2: the server enters lame-duck mode and exits by itself once it has closed its clients. */
  enterLameDuck(name: string): Promise<void>;
  /** True once the server has exited by itself; false if it still runs at the deadline (nothing is killed). */
  waitForExit(name: string, deadlineMs: number): Promise<boolean>;
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  logs(name: string): Promise<string>;
  /** Rewrite the server's configuration with these overrides (kept across its restarts; `{}` undoes them) and send SIGHUP. */
  reloadConfig?(name: string, overrides: ConfigOverrides): Promise<void>;
  /**
   * The network namespace holding the server's sockets, when it is a container's this host can enter
   * (nsenter -t pid -n). Absent: the local backend's servers live in this host's namespace; other
   * backends without it cannot reach their servers' sockets from here.
   */
  socketNamespace?(name: string): Promise<ContainerNamespace>;
  /** Set by the cluster: write the state file now (a pid or container changed mid-operation). */
  onStateChange?: () => void;
  /** Backend part of the state file. */
  stateFields(): Pick<ClusterState, 'local' | 'docker' | 'swarm'>;
  /**
   * The /varz version a server started on `variant` must report; absent: versionOfVariant (the
   * external backend answers with its hooks' rule, a playbook field).
   */
  expectedVersion?(variant: string): string | undefined;
  /** Outbound gateways that bypass a proxy, when the backend judges them itself (external: only the links a user's Toxiproxy covers). */
  gatewayBypasses?(report: MeshReport): string[];
  /** Let go of a cluster this process did not start: undo what it placed there beyond faults (iptables rules). */
  release?(): Promise<void>;
  teardown(): Promise<void>;
  /** Last resort on process exit: synchronous, best effort. */
  teardownSync(): void;
}

/** A running container's network namespace, as of now (a restart gives it a new pid and start time). */
export interface ContainerNamespace {
  container: string;
  pid: number;
  startedAt: string;
}

export type { Progress } from '../core/progress.ts';
