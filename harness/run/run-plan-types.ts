// The run plan: everything a user wrote (scenario, overrides, thresholds, seed), validated against
// the topology and resolved before the first process starts. The executor reads only this.
import type { BackendChoice, BackendKind, Topology } from '../../clusters/index.ts';
import type { TypedFault } from '../../chaos/faults/registry.ts';
import type { Scenario } from '../../chaos/scenario.ts';
import type { Thresholds } from '../verdict/thresholds.ts';

export interface TopologyOverride {
  regions?: string[];
  servers?: number;
}

export interface PlanInput {
  /** A scenario name from chaos/scenarios, or scenario data with where it came from. */
  scenario: string | { input: unknown; source: string };
  /** Default: the patched variant of the default tag. Ignored when attaching (the cluster's is used). */
  variant?: string;
  /** `--regions` / `--servers`. */
  topology?: TopologyOverride;
  /** Attaching to a running cluster: its topology replaces the scenario's, its backend is known. */
  attached?: { runId: string; topology: Topology; backend: BackendKind };
  backend?: BackendChoice;
  seed?: number;
  /** `--thresholds FILE` then `--threshold key=value` flags, over the scenario's own. */
  thresholds?: { file?: string; flags?: readonly string[] };
}

/** One played step (a step with `repeat: 3` is three of these), in order. */
export interface PlannedStep {
  /** Flat index of the played step: what `step` and `fault` records carry. */
  index: number;
  /** Index of the scenario step it comes from. */
  scenarioStep: number;
  name: string;
  holdSeconds: number;
  gapSeconds: number;
  fault?: TypedFault;
}

export interface RunPlan {
  scenario: string;
  description: string;
  variant: string;
  topology: Topology;
  /** `external` only when attached to an external cluster (nothing is booted then). */
  backend: BackendChoice | 'external';
  /** Set when the plan runs on a cluster already running. */
  attachTo?: string;
  steps: PlannedStep[];
  /** Scenario steps (before repeats), for `step 2/3` progress lines. */
  scenarioSteps: number;
  settleSeconds: number;
  observer: { vantage: string; intervalMs: number };
  probe: { ratePerSecond: number; stallIntervals: number };
  /** Defaults, scenario, file and flags, merged once. */
  thresholds: Thresholds;
  /** The thresholds that catch the bug the scenario exists for. */
  detectors: string[];
  seed: number;
  /** Seconds from the first step to the end of the settle. */
  seconds: number;
  /** Things worth saying that do not stop the run (an attached cluster's ping interval, ...). */
  warnings: string[];
  /** The scenario as validated, for reports. */
  source: Scenario;
}
