// A validated playbook: plain, JSON-serializable data the controller executes without re-parsing.
import type { Topology } from '../../../clusters/index.ts';
import type { FaultName } from '../../../chaos/faults/registry.ts';
import type { ThresholdKey } from '../../verdict/registry.ts';
import type { Harm } from '../judge/metrics.ts';
import type { FailurePolicy, StageKind } from './schema.ts';

/** A server a stage may name, with its region. */
export type Server = { name: string; region: string };

export type PlaybookCluster =
  | { kind: 'topology'; topology: Topology; backend: 'auto' | 'local' | 'docker' }
  | { kind: 'attach'; id: string };

export interface StageFault {
  type: FaultName;
  /** Parsed by the fault type's own schema. */
  attributes: Record<string, unknown>;
  atSeconds: number;
  holdSeconds: number;
}

export interface ThresholdGate {
  threshold: ThresholdKey;
  /** The bound, validated by the registry entry's schema; the registry default when not given. */
  bound: unknown;
}

export interface CompareMetric {
  name: string;
  harm: Harm;
  tolerance: number;
  critical: boolean;
}

export interface CompareGate {
  baseline?: string;
  metrics: CompareMetric[];
  pass: number;
  marginal: number;
  confidence: number;
  minSamples: number;
}

export interface Stage {
  name: string;
  kind: StageKind;
  server?: string;
  region?: string;
  upgrade: {
    batchSize: number;
    lameDuck: { enabled: boolean; durationSeconds: number; graceSeconds: number };
    readySeconds: number;
  };
  soakSeconds: number;
  faults: StageFault[];
  gates: { thresholds: ThresholdGate[]; compare?: CompareGate };
  settings: Partial<Record<ThresholdKey, unknown>>;
  onFailure: FailurePolicy;
}

export interface Playbook {
  name: string;
  description?: string;
  cluster: PlaybookCluster;
  /** Full variant names (aliases resolved). */
  baseline: string;
  target: string;
  seed?: number;
  stages: Stage[];
}
