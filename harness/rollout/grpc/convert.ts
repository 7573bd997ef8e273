// RolloutState and RolloutEvent (kebab-case values, plain JSON) to the proto's messages (enum names
// such as ROLLOUT_PHASE_ROLLING_BACK), and back to a view the CLI prints. The proto carries what a
// watcher needs, not the whole rollout.json (no playbook, seed or decisions), hence a view type.
import { HarnessError } from '../../../core/errors.ts';
import {
  CANARY_OUTCOMES, GATE_OUTCOMES, METRIC_CLASSES, ROLLOUT_PHASES, SERVER_UPGRADE_STEPS, STAGE_KINDS, STAGE_PHASES,
  type CanaryComparison, type CanaryOutcome, type GateOutcome, type GateResult, type MetricClass, type MetricComparison, type RolloutEvent, type RolloutPhase,
  type RolloutState, type ServerUpgrade, type ServerUpgradeStep, type StageKind, type StagePhase,
} from '../../rollout-model/index.ts';
import type { CanaryComparison as PCanaryComparison, CanaryComparison__Output } from './generated/brownout/rollout/v1/CanaryComparison.ts';
import type { CanaryOutcome__Output } from './generated/brownout/rollout/v1/CanaryOutcome.ts';
import type { GateOutcome__Output } from './generated/brownout/rollout/v1/GateOutcome.ts';
import type { GateResult as PGateResult, GateResult__Output } from './generated/brownout/rollout/v1/GateResult.ts';
import type { MetricClass__Output } from './generated/brownout/rollout/v1/MetricClass.ts';
import type { MetricComparison as PMetricComparison, MetricComparison__Output } from './generated/brownout/rollout/v1/MetricComparison.ts';
import type { Rollout, Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
import type { RolloutEvent as PRolloutEvent, RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';
import type { RolloutPhase__Output } from './generated/brownout/rollout/v1/RolloutPhase.ts';
import type { ServerUpgrade as PServerUpgrade, ServerUpgrade__Output } from './generated/brownout/rollout/v1/ServerUpgrade.ts';
import type { StageKind__Output } from './generated/brownout/rollout/v1/StageKind.ts';
import type { StagePhase__Output } from './generated/brownout/rollout/v1/StagePhase.ts';
import type { UpgradeStep__Output } from './generated/brownout/rollout/v1/UpgradeStep.ts';

/** One enum: kebab-case values both ways to and from the proto's PREFIX_UPPER_SNAKE names. */
class EnumMap<V extends string, N extends string> {
  private readonly back = new Map<string, V>();
  constructor(readonly prefix: string, readonly values: readonly V[]) {
    for (const v of values) this.back.set(this.name(v), v);
  }
  name(v: V): N {
    return `${this.prefix}_${v.toUpperCase().replace(/-/g, '_')}` as N;
  }
  value(n: string): V {
    const v = this.back.get(n);
    if (v === undefined) throw new HarnessError(`the controller sent ${n || 'an empty value'}, not one of ${[...this.back.keys()].join(', ')}`);
    return v;
  }
}

export const ENUMS = {
  rolloutPhase: new EnumMap<RolloutPhase, RolloutPhase__Output>('ROLLOUT_PHASE', ROLLOUT_PHASES),
  stagePhase: new EnumMap<StagePhase, StagePhase__Output>('STAGE_PHASE', STAGE_PHASES),
  stageKind: new EnumMap<StageKind, StageKind__Output>('STAGE_KIND', STAGE_KINDS),
  upgradeStep: new EnumMap<ServerUpgradeStep, UpgradeStep__Output>('UPGRADE_STEP', SERVER_UPGRADE_STEPS),
  gateOutcome: new EnumMap<GateOutcome, GateOutcome__Output>('GATE_OUTCOME', GATE_OUTCOMES),
  canaryOutcome: new EnumMap<CanaryOutcome, CanaryOutcome__Output>('CANARY_OUTCOME', CANARY_OUTCOMES),
  metricClass: new EnumMap<MetricClass, MetricClass__Output>('METRIC_CLASS', METRIC_CLASSES),
};

/** Milliseconds as uint32: whole, never negative. */
const u32 = (n: number) => Math.min(Math.max(Math.round(Number.isFinite(n) ? n : 0), 0), 0xffffffff);
const opt = (s: string | undefined) => (s ? s : undefined);

// ---- to the wire (server side) ----

export function upgradeToProto(u: ServerUpgrade): PServerUpgrade {
  return {
    server: u.server, region: u.region, fromVariant: u.from, toVariant: u.to, step: ENUMS.upgradeStep.name(u.step), rollback: u.rollback,
    lameDuckMs: u32(u.lameDuckMs), startMs: u32(u.startMs), meshMs: u32(u.meshMs), message: u.message ?? '',
  };
}

function metricToProto(m: MetricComparison): PMetricComparison {
  return {
    name: m.name, class: ENUMS.metricClass.name(m.class), harmful: m.harmful, canarySamples: u32(m.canarySamples), baselineSamples: u32(m.baselineSamples),
    pValue: m.pValue, shift: m.shift, shiftLower: m.shiftLower, shiftUpper: m.shiftUpper, reason: m.reason,
  };
}

function comparisonToProto(c: CanaryComparison): PCanaryComparison {
  return {
    canary: c.canary, baseline: c.baseline, ...(c.score === undefined ? {} : { score: c.score }), passBound: c.passBound, marginalBound: c.marginalBound,
    outcome: ENUMS.canaryOutcome.name(c.outcome), metrics: c.metrics.map(metricToProto), reason: c.reason,
  };
}

export function gateToProto(g: GateResult): PGateResult {
  return {
    stage: g.stage, gate: g.gate, outcome: ENUMS.gateOutcome.name(g.outcome), observed: g.observed, bound: g.bound, evidence: g.evidence,
    ...(g.comparison ? { comparison: comparisonToProto(g.comparison) } : {}),
  };
}

export function rolloutToProto(s: RolloutState): Rollout {
  return {
    id: s.id, playbook: s.playbook.name, baseline: s.baseline, target: s.target, phase: ENUMS.rolloutPhase.name(s.phase), currentStage: u32(s.currentStage),
    stages: s.stages.map((st) => ({
      name: st.name, kind: ENUMS.stageKind.name(st.kind), phase: ENUMS.stagePhase.name(st.phase), servers: st.servers.map(upgradeToProto), gates: st.gates.map(gateToProto),
      soakStartedAt: st.soakStartedAt ?? '', soakEndedAt: st.soakEndedAt ?? '',
    })),
    message: s.message, createdAt: s.createdAt, updatedAt: s.updatedAt, runDir: s.runDir, cluster: s.cluster.runId ?? (s.playbook.cluster.kind === 'external' ? `external:${s.playbook.cluster.file}` : ''),
    ...(s.rollback ? { rollback: { servers: s.rollback.servers.map(upgradeToProto), gates: s.rollback.gates.map(gateToProto), startedAt: s.rollback.startedAt, endedAt: s.rollback.endedAt ?? '' } } : {}),
  };
}

export function eventToProto(e: RolloutEvent): PRolloutEvent {
  const head = { rolloutId: e.rolloutId, seq: String(e.seq), time: e.time };
  if ('snapshot' in e) return { ...head, snapshot: rolloutToProto(e.snapshot) };
  if ('stage' in e) return { ...head, stage: { index: u32(e.stage.index), name: e.stage.name, phase: ENUMS.stagePhase.name(e.stage.phase) } };
  if ('upgrade' in e) return { ...head, upgrade: upgradeToProto(e.upgrade) };
  if ('gate' in e) return { ...head, gate: gateToProto(e.gate) };
  if ('status' in e) return { ...head, status: { text: e.status.text } };
  return { ...head, phase: { phase: ENUMS.rolloutPhase.name(e.phase.phase), message: e.phase.message } };
}

// ---- from the wire (client side) ----

/** A rollout as the API shows it: RolloutState's fields that the proto carries. */
export interface RolloutView {
  id: string;
  /** The playbook's name. */
  playbook: string;
  baseline: string;
  target: string;
  phase: RolloutPhase;
  currentStage: number;
  stages: StageView[];
  message: string;
  createdAt: string;
  updatedAt: string;
  runDir: string;
  /** The cluster's run id, '' until it exists. */
  cluster: string;
  rollback?: { servers: ServerUpgrade[]; gates: GateResult[]; startedAt: string; endedAt?: string };
}

export interface StageView {
  name: string;
  kind: StageKind;
  phase: StagePhase;
  servers: ServerUpgrade[];
  gates: GateResult[];
  soakStartedAt?: string;
  soakEndedAt?: string;
}

export type RolloutEventView = { rolloutId: string; seq: number; time: string } & (
  | { snapshot: RolloutView }
  | Exclude<RolloutEvent, { snapshot: unknown }>
);

export function upgradeFromProto(u: ServerUpgrade__Output): ServerUpgrade {
  return {
    server: u.server, region: u.region, from: u.fromVariant, to: u.toVariant, step: ENUMS.upgradeStep.value(u.step), rollback: u.rollback,
    lameDuckMs: u.lameDuckMs, startMs: u.startMs, meshMs: u.meshMs, ...(u.message ? { message: u.message } : {}),
  };
}

function metricFromProto(m: MetricComparison__Output): MetricComparison {
  return {
    name: m.name, class: ENUMS.metricClass.value(m.class), harmful: m.harmful, canarySamples: m.canarySamples, baselineSamples: m.baselineSamples,
    pValue: m.pValue, shift: m.shift, shiftLower: m.shiftLower, shiftUpper: m.shiftUpper, reason: m.reason,
  };
}

function comparisonFromProto(c: CanaryComparison__Output): CanaryComparison {
  return {
    canary: c.canary, baseline: c.baseline, ...(c.score === undefined || c.score === null ? {} : { score: c.score }), passBound: c.passBound, marginalBound: c.marginalBound,
    outcome: ENUMS.canaryOutcome.value(c.outcome), metrics: c.metrics.map(metricFromProto), reason: c.reason,
  };
}

export function gateFromProto(g: GateResult__Output): GateResult {
  return {
    stage: g.stage, gate: g.gate, outcome: ENUMS.gateOutcome.value(g.outcome), observed: g.observed, bound: g.bound, evidence: g.evidence,
    ...(g.comparison ? { comparison: comparisonFromProto(g.comparison) } : {}),
  };
}

export function rolloutFromProto(r: Rollout__Output): RolloutView {
  const view: RolloutView = {
    id: r.id, playbook: r.playbook, baseline: r.baseline, target: r.target, phase: ENUMS.rolloutPhase.value(r.phase), currentStage: r.currentStage,
    stages: r.stages.map((st) => ({
      name: st.name, kind: ENUMS.stageKind.value(st.kind), phase: ENUMS.stagePhase.value(st.phase), servers: st.servers.map(upgradeFromProto), gates: st.gates.map(gateFromProto),
      ...(opt(st.soakStartedAt) ? { soakStartedAt: st.soakStartedAt } : {}), ...(opt(st.soakEndedAt) ? { soakEndedAt: st.soakEndedAt } : {}),
    })),
    message: r.message, createdAt: r.createdAt, updatedAt: r.updatedAt, runDir: r.runDir, cluster: r.cluster,
  };
  if (r.rollback) {
    view.rollback = {
      servers: r.rollback.servers.map(upgradeFromProto), gates: r.rollback.gates.map(gateFromProto), startedAt: r.rollback.startedAt,
      ...(opt(r.rollback.endedAt) ? { endedAt: r.rollback.endedAt } : {}),
    };
  }
  return view;
}

export function eventFromProto(e: RolloutEvent__Output): RolloutEventView {
  const head = { rolloutId: e.rolloutId, seq: Number(e.seq), time: e.time };
  switch (e.event) {
    case 'snapshot': return { ...head, snapshot: rolloutFromProto(e.snapshot!) };
    case 'stage': return { ...head, stage: { index: e.stage!.index, name: e.stage!.name, phase: ENUMS.stagePhase.value(e.stage!.phase) } };
    case 'upgrade': return { ...head, upgrade: upgradeFromProto(e.upgrade!) };
    case 'gate': return { ...head, gate: gateFromProto(e.gate!) };
    case 'status': return { ...head, status: { text: e.status!.text } };
    case 'phase': return { ...head, phase: { phase: ENUMS.rolloutPhase.value(e.phase!.phase), message: e.phase!.message } };
    default: throw new HarnessError(`the controller sent event ${e.seq} of ${e.rolloutId} with no body`);
  }
}
