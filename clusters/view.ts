// What the rest of the harness (observer, probe, chaos) needs to know about a running cluster.
// A StartedCluster from either backend implements ClusterView.

export interface ServerEndpoint {
  /** Stable name, e.g. `iad-1`; survives restarts (the server ID does not). */
  name: string;
  region: string;
  /** Variant name the server currently runs, e.g. `v2.10.14+brownout`. */
  variant: string;
  /** Client URL reachable from this host, e.g. `nats://127.0.0.1:4222`. */
  clientUrl: string;
  /** Monitoring base URL reachable from this host, e.g. `http://127.0.0.1:8222`. */
  monitorUrl: string;
}

export interface SystemUser {
  user: string;
  password: string;
}

export interface ClusterView {
  readonly runId: string;
  readonly regions: readonly string[];
  /** Current endpoints; ports may change when a server is restarted, so ask again after a restart. */
  endpoints(): ServerEndpoint[];
  /** The system-account user, generated per run. */
  readonly system: SystemUser;
}
