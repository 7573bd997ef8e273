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

/**
 * Credentials of the system account: a user and password (clusters brownout starts generate one per
 * run), or a .creds file's text (JWT and seed; an external cluster's operator mode). Connections turn
 * either into nats.js options through one helper, clusters/nats-auth.ts.
 */
export type SystemUser = UserPassword | CredsText;

export interface UserPassword {
  user: string;
  password: string;
}

export interface CredsText {
  /** The text of a .creds file (never its path: the file is read once, when the cluster file is). */
  creds: string;
}

/** Where and as whom the log-stream probe publishes (harness/probe/log-probe.ts). */
export interface ProbeAccess {
  /** First subject tokens, e.g. `logs` (clusters brownout starts) or the user's `brownout.probe`. */
  subjectPrefix: string;
  /** Absent: no credentials (the cluster's no_auth_user account). */
  credentials?: SystemUser;
}

export interface ClusterView {
  readonly runId: string;
  readonly regions: readonly string[];
  /** Current endpoints; ports may change when a server is restarted, so ask again after a restart. */
  endpoints(): ServerEndpoint[];
  /** The system-account user, generated per run (or given by an external cluster's file). */
  readonly system: SystemUser;
  /** Where the probe may publish; absent: `logs.>` without credentials (clusters brownout starts). */
  readonly probe?: ProbeAccess;
  /**
   * True for a cluster brownout did not start (external): only its monitoring endpoints may be read,
   * never its processes (/proc), even when they run on this host.
   */
  readonly monitorOnly?: boolean;
}
