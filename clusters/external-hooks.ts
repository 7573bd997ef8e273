// The contract between an external cluster's backend (clusters/external-backend.ts: servers
// brownout did not start and never signals) and the user's upgrade hooks (clusters/hook-runner.ts:
// argv templates from the playbook, run with a timeout each, output into the run folder). The
// backend calls these for the steps it cannot do itself on a host it does not own; without hooks
// (chaos, gate, watch) every server step on an external cluster is refused.

/** One server of an external cluster, as its cluster file (or discovery) names it. */
export interface ExternalServerRef {
  name: string;
  region: string;
  /** `{host}` in hook templates: the cluster file's `host`, else the monitoring URL's hostname. */
  host: string;
  clientUrl: string;
  monitorUrl: string;
}

/** Which steps the hooks can do. `upgrade` alone: one command does stop and start (lame duck apart). */
export interface HookSteps {
  lameDuck: boolean;
  stop: boolean;
  start: boolean;
  upgrade: boolean;
}

/**
 * What the user's hooks do for one server. Each call runs one command (argv template filled with
 * `{server} {region} {host} {variant} {version}`) and resolves when it exits 0; a non-zero exit or
 * a timeout rejects with a HarnessError naming the hook, the server, the exit code (or the timeout)
 * and the file its output went to.
 */
export interface ServerHooks {
  readonly steps: HookSteps;
  /** The `lameDuck` hook; `variant` is the one the server runs now. */
  lameDuck(server: ExternalServerRef, variant: string): Promise<void>;
  /** The `stop` hook (nothing when only `upgrade` is given: that command stops the server itself). */
  stop(server: ExternalServerRef, variant: string): Promise<void>;
  /** The `start` hook on `variant`, or the `upgrade` hook when that is the one given. */
  start(server: ExternalServerRef, variant: string): Promise<void>;
  /** The /varz `version` a server must report once started on `variant` (playbook field; default versionOfVariant). */
  expectedVersion(variant: string): string;
}
