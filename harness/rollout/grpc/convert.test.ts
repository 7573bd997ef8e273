import assert from 'node:assert/strict';
import { HarnessError } from '../../../core/errors.ts';
import { ENUMS, eventFromProto, eventToProto, rolloutFromProto, rolloutToProto, type RolloutView } from './convert.ts';
import { sampleRollout } from '../../../test/support/fake-rollout-service.ts';
import type { Rollout__Output } from './generated/brownout/rollout/v1/Rollout.ts';
import type { RolloutEvent__Output } from './generated/brownout/rollout/v1/RolloutEvent.ts';

describe('rollout grpc convert', () => {
  const names: [keyof typeof ENUMS, string, string][] = [
    ['rolloutPhase', 'rolling-back', 'ROLLOUT_PHASE_ROLLING_BACK'],
    ['rolloutPhase', 'rollback-failed', 'ROLLOUT_PHASE_ROLLBACK_FAILED'],
    ['rolloutPhase', 'succeeded', 'ROLLOUT_PHASE_SUCCEEDED'],
    ['stagePhase', 'rolled-back', 'STAGE_PHASE_ROLLED_BACK'],
    ['stagePhase', 'promoted', 'STAGE_PHASE_PROMOTED'],
    ['stageKind', 'global', 'STAGE_KIND_GLOBAL'],
    ['upgradeStep', 'lame-duck', 'UPGRADE_STEP_LAME_DUCK'],
    ['upgradeStep', 'waiting-mesh', 'UPGRADE_STEP_WAITING_MESH'],
    ['gateOutcome', 'no-data', 'GATE_OUTCOME_NO_DATA'],
    ['canaryOutcome', 'successful', 'CANARY_OUTCOME_SUCCESSFUL'],
    ['metricClass', 'no-data', 'METRIC_CLASS_NO_DATA'],
  ];
  for (const [e, value, name] of names) {
    it(`rollout grpc convert - ${e} ${value} is ${name} and back`, () => {
      const m = ENUMS[e] as { name(v: string): string; value(n: string): string };
      assert.equal(m.name(value), name);
      assert.equal(m.value(name), value);
    });
  }

  it('rollout grpc convert - every kebab value has a name the proto declares', async () => {
    const enums = await Promise.all(['RolloutPhase', 'StagePhase', 'StageKind', 'UpgradeStep', 'GateOutcome', 'CanaryOutcome', 'MetricClass']
      .map(async (n) => Object.keys((await import(`./generated/brownout/rollout/v1/${n}.ts`))[n] as object)));
    const declared = new Set(enums.flat());
    for (const m of Object.values(ENUMS)) for (const v of m.values) assert.ok(declared.has((m as { name(v: string): string }).name(v)), `${m.prefix} lacks ${v}`);
  });

  it('rollout grpc convert - an unknown or UNSPECIFIED name from the wire is a harness error naming it', () => {
    assert.throws(() => ENUMS.rolloutPhase.value('ROLLOUT_PHASE_UNSPECIFIED'), (e: unknown) => e instanceof HarnessError && /ROLLOUT_PHASE_UNSPECIFIED/.test(e.message));
    assert.throws(() => ENUMS.metricClass.value('METRIC_CLASS_WEIRD'), HarnessError);
  });

  it('rollout grpc convert - a rollout keeps every field the proto carries, there and back', () => {
    const s = sampleRollout();
    const p = rolloutToProto(s);
    assert.equal(p.phase, 'ROLLOUT_PHASE_PAUSED');
    assert.equal(p.playbook, 'story');
    assert.equal(p.cluster, 'c-1');
    assert.equal(p.stages![0]!.servers![0]!.lameDuckMs, 30013, 'ms rounded for uint32');
    assert.equal(p.stages![0]!.gates![1]!.comparison!.metrics![1]!.class, 'METRIC_CLASS_NO_DATA');
    assert.equal(p.stages![1]!.soakStartedAt, '');
    const back = rolloutFromProto(p as Rollout__Output);
    const expected: RolloutView = {
      id: s.id, playbook: 'story', baseline: s.baseline, target: s.target, phase: 'paused', currentStage: 0, message: s.message, createdAt: s.createdAt, updatedAt: s.updatedAt,
      runDir: s.runDir, cluster: 'c-1',
      stages: s.stages.map((st) => ({ name: st.name, kind: st.kind, phase: st.phase, servers: st.servers.map((u) => ({ ...u, lameDuckMs: Math.round(u.lameDuckMs) })), gates: st.gates, ...(st.soakStartedAt ? { soakStartedAt: st.soakStartedAt } : {}) })),
      rollback: { servers: s.rollback!.servers, gates: [], startedAt: s.rollback!.startedAt },
    };
    assert.deepEqual(back, expected);
  });

  it('rollout grpc convert - a comparison without a score stays without one; no cluster yet is empty', () => {
    const s = sampleRollout('r', { cluster: { owned: true }, rollback: undefined });
    delete s.stages[0]!.gates[1]!.comparison!.score;
    const p = rolloutToProto(s);
    assert.equal('score' in p.stages![0]!.gates![1]!.comparison!, false);
    assert.equal(p.cluster, '');
    assert.equal('rollback' in p, false);
    const back = rolloutFromProto({ ...(p as Rollout__Output), rollback: null });
    assert.equal('score' in back.stages[0]!.gates[1]!.comparison!, false);
    assert.equal(back.rollback, undefined);
  });

  const t = { rolloutId: 'r', seq: 3, time: '2026-11-25T10:00:01.000Z' };
  const events: { name: string; event: Parameters<typeof eventToProto>[0]; wire: string; check: (p: ReturnType<typeof eventToProto>) => void }[] = [
    { name: 'stage', event: { ...t, stage: { index: 1, name: 'region-iad', phase: 'upgrading' } }, wire: 'stage', check: (p) => assert.equal(p.stage!.phase, 'STAGE_PHASE_UPGRADING') },
    { name: 'upgrade', event: { ...t, upgrade: sampleRollout().rollback!.servers[0]! }, wire: 'upgrade', check: (p) => assert.equal(p.upgrade!.step, 'UPGRADE_STEP_FAILED') },
    { name: 'gate', event: { ...t, gate: sampleRollout().stages[0]!.gates[0]! }, wire: 'gate', check: (p) => assert.equal(p.gate!.outcome, 'GATE_OUTCOME_PASS') },
    { name: 'status', event: { ...t, status: { text: 'canary iad-2 soaking 12/60 s' } }, wire: 'status', check: (p) => assert.equal(p.status!.text, 'canary iad-2 soaking 12/60 s') },
    { name: 'phase', event: { ...t, phase: { phase: 'rolled-back', message: 'gate failed' } }, wire: 'phase', check: (p) => assert.equal(p.phase!.phase, 'ROLLOUT_PHASE_ROLLED_BACK') },
  ];
  for (const c of events) {
    it(`rollout grpc convert - a ${c.name} event, there and back`, () => {
      const p = eventToProto(c.event);
      assert.equal(p.seq, '3', 'uint64 goes as a string');
      c.check(p);
      assert.deepEqual(eventFromProto({ ...(p as RolloutEvent__Output), event: c.wire as RolloutEvent__Output['event'] }), c.event);
    });
  }

  it('rollout grpc convert - a snapshot event carries the rollout', () => {
    const p = eventToProto({ ...t, snapshot: sampleRollout() });
    assert.equal(p.snapshot!.id, 'r-20261125-100000-story');
    const back = eventFromProto({ ...(p as RolloutEvent__Output), event: 'snapshot' });
    assert.ok('snapshot' in back && back.snapshot.phase === 'paused');
  });
});
