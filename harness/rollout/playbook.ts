// A rollout playbook: which cluster, which baseline and target variants, and the stages in order.
// Load a file (YAML or JSON), validate it (every problem with its path), plan each stage's servers.
import { readPlaybookFile } from './playbook/parse-file.ts';
import { validatePlaybook, type ValidateOptions } from './playbook/validate.ts';
import type { Playbook } from './playbook/types.ts';

export { PLAYBOOK_MAX_BYTES, parsePlaybookText, readPlaybookFile } from './playbook/parse-file.ts';
export { validatePlaybook } from './playbook/validate.ts';
export { planTargets, type ServerRef, type StageTargets } from './playbook/targets.ts';
export { BACKENDS, FAILURE_POLICIES, MIN_LAME_DUCK_SECONDS, STAGE_KINDS, playbookSchema, type FailurePolicy, type PlaybookInput, type StageKind } from './playbook/schema.ts';
export type { CompareGate, CompareMetric, Playbook, PlaybookCluster, Stage, StageFault, ThresholdGate } from './playbook/types.ts';

/** Read and validate a playbook file; throws BadInputError (exit 2) with every problem. */
export function loadPlaybook(file: string, opts: ValidateOptions = {}): Playbook {
  return validatePlaybook(readPlaybookFile(file), file, opts);
}
