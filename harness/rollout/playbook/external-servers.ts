// The servers of an external cluster, as its cluster file names them: what a playbook's stages may
// name and what its rollout plans over, read from the file alone (no live cluster), so a playbook
// validates and a dry run plans without reaching a server.
import { loadClusterFile } from '../../../clusters/external-file.ts';
import type { ExternalServerRef } from '../../../clusters/external-hooks.ts';

/** Every server of the cluster file, in its order; BadInputError (exit 2) naming the file and its fields. */
export function externalServerRefs(file: string): ExternalServerRef[] {
  return loadClusterFile(file).servers.map((s) => ({ name: s.name, region: s.region, host: s.host, clientUrl: s.clientUrl, monitorUrl: s.monitorUrl }));
}

export function externalServers(file: string): { name: string; region: string }[] {
  return externalServerRefs(file).map((s) => ({ name: s.name, region: s.region }));
}
