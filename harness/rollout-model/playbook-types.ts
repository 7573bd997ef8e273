// A validated playbook as the rollout state holds it: plain, JSON-serializable data the controller
// executes without re-parsing. The same shape as harness/rollout/playbook/types.ts (what the
// validator builds); it lives here too so that the state, the metrics and the reports can read a
// playbook without importing the controller's folder. The compiler checks the two agree wherever a
// validated playbook becomes a rollout's (planRollout). At merge, playbook/types.ts can re-export these.
import type { Topology } from '../../clusters/index.ts';
import type { HooksConfig } from '../../clusters/hook-templates.ts';
import type { FaultName } from '../../chaos/faults/registry.ts';
import type { Harm } from './canary-metrics.ts';
import type { StageKind } from './phases.ts';

export type FailurePolicy = 'rollback' | 'pause';

export type PlaybookCluster =
  | { kind: 'topology'; topology: Topology; backend: 'auto' | 'local' | 'docker' | 'swarm' }
  | { kind: 'attach'; id: string }
  /** A cluster brownout did not start: its cluster file (absolute), moved through the playbook's hooks. */
  | { kind: 'external'; file: string };

export interface StageFault {
  type: FaultName;
  /** Parsed by the fault type's own schema. */
  attributes: Record<string, unknown>;
  atSeconds: number;
  holdSeconds: number;
}

export interface ThresholdGate {
  /** A threshold registry key (verdict/registry.ts ThresholdKey; the verdict sits above this model). */
  threshold: string;
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
  /** Threshold settings by registry key. */
  settings: Partial<Record<string, unknown>>;
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
  /**
   * An external cluster's upgrade hooks (with where they run and the versions to expect), for every
   * stage and for the rollback; only with `cluster.kind` external.
   */
  hooks?: HooksConfig;
}
