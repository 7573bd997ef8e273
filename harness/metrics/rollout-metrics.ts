// The rollout's metrics: the rollout's phase, which stage runs and in which phase, each server's
// upgrade step and role (canary or baseline), each gate's outcome, and the canary-vs-baseline
// comparison per metric. The rollout controller calls the setters; the value sets are the rollout
// model's (rollout-model/phases.ts). Enum-like values are labels with every value present (1 for the current one, 0 for the rest), so `== 1` selects the current one.
import { Counter, Gauge, type Registry } from 'prom-client';
import {
  GATE_OUTCOMES, ROLLOUT_PHASES, SERVER_ROLES, SERVER_UPGRADE_STEPS, type GateOutcome, type RolloutPhase, type ServerRole, type ServerUpgradeStep, type StagePhase,
} from '../rollout-model/phases.ts';

const perRegistry = new WeakMap<Registry, RolloutMetrics>();

/**
 * The one RolloutMetrics of a registry: the observer's BrownoutMetrics registers it, and the
 * rollout controller, given the same registry, gets the same instance (a second registration of
 * the same names would throw).
 */
export function rolloutMetrics(registry: Registry): RolloutMetrics {
  let m = perRegistry.get(registry);
  if (!m) {
    m = new RolloutMetrics(registry);
    perRegistry.set(registry, m);
  }
  return m;
}

export class RolloutMetrics {
  readonly phase: Gauge<'rollout' | 'phase'>;
  readonly stage: Gauge<'rollout' | 'stage' | 'phase'>;
  readonly stageIndex: Gauge<'rollout'>;
  readonly serverState: Gauge<'server' | 'region' | 'state'>;
  readonly serverRole: Gauge<'server' | 'region' | 'role'>;
  readonly gate: Gauge<'stage' | 'gate' | 'outcome'>;
  readonly gateEvaluations: Counter<'stage' | 'gate' | 'outcome'>;
  readonly shift: Gauge<'stage' | 'metric'>;
  readonly pValue: Gauge<'stage' | 'metric'>;
  readonly score: Gauge<'stage'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.phase = new Gauge({ name: 'brownout_rollout_phase_info', help: '1 for the rollout\'s phase now, 0 for the other phases', labelNames: ['rollout', 'phase'], registers });
    this.stage = new Gauge({ name: 'brownout_rollout_stage_info', help: '1 for the rollout stage running now and its phase', labelNames: ['rollout', 'stage', 'phase'], registers });
    this.stageIndex = new Gauge({ name: 'brownout_rollout_stage_index', help: 'Index of the stage running now (0 is the canary stage)', labelNames: ['rollout'], registers });
    this.serverState = new Gauge({ name: 'brownout_rollout_server_state', help: '1 for the server\'s upgrade state now, 0 for the other states', labelNames: ['server', 'region', 'state'], registers });
    this.serverRole = new Gauge({ name: 'brownout_rollout_server_role', help: '1 for the server\'s role in the canary comparison now (canary or baseline), 0 for the other', labelNames: ['server', 'region', 'role'], registers });
    this.gate = new Gauge({ name: 'brownout_rollout_gate_status', help: '1 for the latest outcome of the gate (pass, fail, inconclusive, no-data), 0 for the others', labelNames: ['stage', 'gate', 'outcome'], registers });
    this.gateEvaluations = new Counter({ name: 'brownout_rollout_gate_evaluations_total', help: 'Times the gate was evaluated, by outcome', labelNames: ['stage', 'gate', 'outcome'], registers });
    this.shift = new Gauge({ name: 'brownout_rollout_canary_shift', help: 'Hodges-Lehmann shift of the metric, canary minus baseline, in the metric\'s unit', labelNames: ['stage', 'metric'], registers });
    this.pValue = new Gauge({ name: 'brownout_rollout_canary_p_value', help: 'Mann-Whitney U two-sided p-value of canary against baseline for the metric', labelNames: ['stage', 'metric'], registers });
    this.score = new Gauge({ name: 'brownout_rollout_canary_score', help: 'Share of compared metrics that are not harmful, 0 to 100', labelNames: ['stage'], registers });
  }

  setRolloutPhase(rollout: string, phase: RolloutPhase): void {
    for (const p of ROLLOUT_PHASES) this.phase.set({ rollout, phase: p }, p === phase ? 1 : 0);
  }

  /** A stage started or changed phase; only one stage is current. */
  setStage(rollout: string, stage: string, index: number, phase: StagePhase): void {
    this.stage.reset();
    this.stage.set({ rollout, stage, phase }, 1);
    this.stageIndex.set({ rollout }, index);
  }

  setServerState(server: string, region: string, state: ServerUpgradeStep): void {
    for (const s of SERVER_UPGRADE_STEPS) this.serverState.set({ server, region, state: s }, s === state ? 1 : 0);
  }

  setServerRole(server: string, region: string, role: ServerRole): void {
    for (const r of SERVER_ROLES) this.serverRole.set({ server, region, role: r }, r === role ? 1 : 0);
  }

  setGate(stage: string, gate: string, outcome: GateOutcome): void {
    for (const o of GATE_OUTCOMES) this.gate.set({ stage, gate, outcome: o }, o === outcome ? 1 : 0);
    this.gateEvaluations.inc({ stage, gate, outcome });
  }

  /** The canary comparison of a stage: per metric (`statsz.rate`, `rss`, ...) shift and p-value, and the score when any metric had data. */
  setComparison(stage: string, metrics: { metric: string; shift: number; pValue: number }[], score?: number): void {
    for (const m of metrics) {
      this.shift.set({ stage, metric: m.metric }, m.shift);
      this.pValue.set({ stage, metric: m.metric }, m.pValue);
    }
    if (score !== undefined) this.score.set({ stage }, score);
  }
}
