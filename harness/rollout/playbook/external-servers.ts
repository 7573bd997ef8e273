// The servers of an external cluster, as its cluster file names them: what a playbook's stages may
// name and what its rollout plans over, read from the file alone (no live cluster), so a playbook
// validates and a dry run plans without reaching a server.
import { loadClusterFile } from '../../../clusters/external-file.ts';
import type { ExternalServerRef } from '../../../clusters/external-hooks.ts';
import { NATS_LAME_DUCK_DEFAULTS, type LameDuckSettings } from '../../../clusters/lame-duck.ts';

export interface ExternalPlan {
  servers: ExternalServerRef[];
  /** What the servers run with: the file's lameDuck, else nats-server's defaults (a rollout cannot change them). */
  lameDuck: LameDuckSettings;
  /** The file says so (else the defaults are assumed). */
  lameDuckGiven: boolean;
}

/** Every server of the cluster file, in its order; BadInputError (exit 2) naming the file and its fields. */
export function externalPlan(file: string, env: NodeJS.ProcessEnv = process.env): ExternalPlan {
  const spec = loadClusterFile(file, env);
  return {
    servers: spec.servers.map((s) => ({ name: s.name, region: s.region, host: s.host, clientUrl: s.clientUrl, monitorUrl: s.monitorUrl })),
    lameDuck: spec.lameDuck ?? NATS_LAME_DUCK_DEFAULTS,
    lameDuckGiven: spec.lameDuck !== undefined,
  };
}

export function externalServerRefs(file: string, env: NodeJS.ProcessEnv = process.env): ExternalServerRef[] {
  return externalPlan(file, env).servers;
}

/**
 * For a dry run, which connects to nothing: every variable the cluster file names for a secret
 * reads as a stand-in when it is not set, so a plan can be printed where the secrets are not.
 */
export const DRY_RUN_ENV: NodeJS.ProcessEnv = new Proxy(process.env, {
  get: (env, k) => (typeof k === 'string' && (env[k] === undefined || env[k] === '') ? 'dry-run-stand-in' : Reflect.get(env, k)),
});

export function externalServers(file: string): { name: string; region: string }[] {
  return externalServerRefs(file).map((s) => ({ name: s.name, region: s.region }));
}
