// The rollout's metrics: which stage runs and in which phase, each server's upgrade state and role
// (canary or baseline), and each gate's outcome with its canary-vs-baseline comparison. The rollout
// controller calls the setters; enum-like values are labels with every value present (1 for the
// current one, 0 for the rest), so label sets are fixed and `== 1` selects the current state.
import { Counter, Gauge, type Registry } from 'prom-client';

export const ROLLOUT_PHASES = ['upgrading', 'soaking', 'gating', 'paused', 'promoted', 'rolling-back', 'rolled-back', 'aborted'] as const;
export const SERVER_UPGRADE_STATES = ['pending', 'draining', 'stopped', 'starting', 'upgraded', 'rolled-back', 'failed'] as const;
export const SERVER_ROLES = ['canary', 'baseline'] as const;
export const GATE_OUTCOMES = ['pass', 'fail', 'inconclusive'] as const;

export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];
export type ServerUpgradeState = (typeof SERVER_UPGRADE_STATES)[number];
export type ServerRole = (typeof SERVER_ROLES)[number];
export type GateOutcome = (typeof GATE_OUTCOMES)[number];

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
  readonly stage: Gauge<'rollout' | 'stage' | 'phase'>;
  readonly stageIndex: Gauge<'rollout'>;
  readonly serverState: Gauge<'server' | 'region' | 'state'>;
  readonly serverRole: Gauge<'server' | 'region' | 'role'>;
  readonly gate: Gauge<'stage' | 'gate' | 'outcome'>;
  readonly gateEvaluations: Counter<'stage' | 'gate' | 'outcome'>;
  readonly shift: Gauge<'stage' | 'gate'>;
  readonly pValue: Gauge<'stage' | 'gate'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.stage = new Gauge({ name: 'brownout_rollout_stage_info', help: '1 for the rollout stage running now and its phase', labelNames: ['rollout', 'stage', 'phase'], registers });
    this.stageIndex = new Gauge({ name: 'brownout_rollout_stage_index', help: 'Index of the stage running now (0 is the canary stage)', labelNames: ['rollout'], registers });
    this.serverState = new Gauge({ name: 'brownout_rollout_server_state', help: '1 for the server\'s upgrade state now, 0 for the other states', labelNames: ['server', 'region', 'state'], registers });
    this.serverRole = new Gauge({ name: 'brownout_rollout_server_role', help: '1 for the server\'s role in the canary comparison now (canary or baseline), 0 for the other', labelNames: ['server', 'region', 'role'], registers });
    this.gate = new Gauge({ name: 'brownout_rollout_gate_status', help: '1 for the latest outcome of the gate (pass, fail, inconclusive), 0 for the others', labelNames: ['stage', 'gate', 'outcome'], registers });
    this.gateEvaluations = new Counter({ name: 'brownout_rollout_gate_evaluations_total', help: 'Times the gate was evaluated, by outcome', labelNames: ['stage', 'gate', 'outcome'], registers });
    this.shift = new Gauge({ name: 'brownout_rollout_canary_shift', help: 'Hodges-Lehmann shift of the gate\'s figure, canary minus baseline, in the figure\'s unit', labelNames: ['stage', 'gate'], registers });
    this.pValue = new Gauge({ name: 'brownout_rollout_canary_p_value', help: 'Mann-Whitney U p-value of canary against baseline for the gate\'s figure', labelNames: ['stage', 'gate'], registers });
  }

  /** A stage started or changed phase; only one stage is current. */
  setStage(rollout: string, stage: string, index: number, phase: RolloutPhase): void {
    this.stage.reset();
    this.stage.set({ rollout, stage, phase }, 1);
    this.stageIndex.set({ rollout }, index);
  }

  setServerState(server: string, region: string, state: ServerUpgradeState): void {
    for (const s of SERVER_UPGRADE_STATES) this.serverState.set({ server, region, state: s }, s === state ? 1 : 0);
  }

  setServerRole(server: string, region: string, role: ServerRole): void {
    for (const r of SERVER_ROLES) this.serverRole.set({ server, region, role: r }, r === role ? 1 : 0);
  }

  /** A gate was evaluated; `comparison` when it compares canary with baseline. */
  setGate(stage: string, gate: string, outcome: GateOutcome, comparison?: { shift: number; pValue: number }): void {
    for (const o of GATE_OUTCOMES) this.gate.set({ stage, gate, outcome: o }, o === outcome ? 1 : 0);
    this.gateEvaluations.inc({ stage, gate, outcome });
    if (comparison) {
      this.shift.set({ stage, gate }, comparison.shift);
      this.pValue.set({ stage, gate }, comparison.pValue);
    }
  }
}
