// A validated playbook: the rollout model's playbook (rollout-model/playbook-types.ts, what the state
// holds), with threshold keys narrowed to the verdict registry's, which the model cannot import.
import type * as Model from '../../rollout-model/playbook-types.ts';
import type { ThresholdKey } from '../../verdict/registry.ts';

/** A server a stage may name, with its region. */
export type Server = { name: string; region: string };

export type { CompareGate, CompareMetric, PlaybookCluster, StageFault } from '../../rollout-model/playbook-types.ts';

/** A gate on a threshold: the model's, with the key narrowed to the registry's (verdict/ sits above the model). */
export interface ThresholdGate extends Model.ThresholdGate {
  threshold: ThresholdKey;
}

export interface Stage extends Omit<Model.Stage, 'gates' | 'settings'> {
  gates: { thresholds: ThresholdGate[]; compare?: Model.CompareGate };
  settings: Partial<Record<ThresholdKey, unknown>>;
}

export interface Playbook extends Omit<Model.Playbook, 'stages'> {
  stages: Stage[];
}
