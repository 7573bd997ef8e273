// Fault types an attached cluster cannot take, with why: the plan turns each into a problem naming
// the step (harness/run/plan-run.ts), so a run is refused before anything starts.
import { composeRefusedFaults, isComposeAttach } from './compose-attach.ts';
import { externalFileOf, externalRefusedFaults, isExternalAttach } from './external-attach.ts';
import { loadClusterFile } from './external-file.ts';

export function refusedFaults(attachId: string): Record<string, string> {
  if (isComposeAttach(attachId)) return composeRefusedFaults();
  if (isExternalAttach(attachId)) return externalRefusedFaults(loadClusterFile(externalFileOf(attachId)));
  return {};
}
