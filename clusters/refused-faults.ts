// Fault types an attached cluster cannot take, with why: the plan turns each into a problem naming
// the step (harness/run/plan-run.ts), so a run is refused before anything starts.
import { composeRefusedFaults, isComposeAttach } from './compose-attach.ts';
import { externalFileOf, externalLinkProblem, externalRefusedFaults, isExternalAttach } from './external-attach.ts';
import { loadClusterFile } from './external-file.ts';

export function refusedFaults(attachId: string): Record<string, string> {
  if (isComposeAttach(attachId)) return composeRefusedFaults();
  if (isExternalAttach(attachId)) return externalRefusedFaults(loadClusterFile(externalFileOf(attachId)));
  return {};
}

/**
 * For an external cluster's link faults: the selectors each fault will use (`sels[i]`, absent for a
 * server fault) checked against the proxies its cluster file names; a problem per fault that picks none.
 */
export function externalLinkProblems(attachId: string, sels: readonly ({ to?: string; from?: string }[] | undefined)[]): (string | undefined)[] {
  if (!isExternalAttach(attachId)) return sels.map(() => undefined);
  const spec = loadClusterFile(externalFileOf(attachId));
  if (!spec.toxiproxy) return sels.map(() => undefined);
  return sels.map((s) => (s ? externalLinkProblem(spec, s) : undefined));
}
