// The controller's pure parts: the stage window, gates scoped to the target build, the canary's
// series, the stage decision, the first state, the reports and the wall-time split.
import assert from 'node:assert/strict';
import { T0, link, spread, statszAt, varz, faultById, step } from '../../../test/support/timeline-fixtures.ts';
import type { TimelineRecord } from '../../timeline/records.ts';
import { validatePlaybook } from '../playbook.ts';
import { canarySeries, type GateResult, type RolloutState } from '../../rollout-model/index.ts';
import { renderRolloutJunit } from '../../report/rollout-junit.ts';
import { renderRolloutSummary } from '../../report/rollout-markdown.ts';
import { wallTimeSplit } from '../../report/rollout-wall-time.ts';
import { baselineGate, meshGate, rollbackStuckGate } from '../judge/rollback-gates.ts';
import { judgeThresholdGates, stageOutcome, stageThresholds } from '../judge/threshold-gates.ts';
import { planRollout } from './plan-rollout.ts';
import { scopeToTarget, targetServerIds } from './scope.ts';
import { windowRecords } from './stage-window.ts';

const at = (s: number) => T0 + s * 1000;
const WHO = { runId: 'r', regions: ['iad', 'lhr'], intervalMs: 500, servers: [] };
const withVersion = (r: ReturnType<typeof varz>, version: string) => ({ ...r, version });

const playbook = validatePlaybook({
  name: 'p', baseline: 'stock', target: 'patched', seed: 1,
  cluster: { topology: { regions: [{ name: 'iad', servers: 2 }, { name: 'lhr', servers: 2 }] } },
  stages: [
    { kind: 'canary', server: 'iad-1', upgrade: { lameDuck: { enabled: false } }, gates: [{ threshold: 'statsz.maxPerServerPerSecond' }, { compare: { baseline: 'iad-2', metrics: ['statsz.rate', 'rss'] } }] },
    { kind: 'global', upgrade: { batchSize: 2, lameDuck: { enabled: false } }, gates: [{ threshold: 'recovery.noneStuck' }] },
  ],
}, 'p.yaml');
const canaryStage = playbook.stages[0]!;

describe('rollout controller (pure)', () => {
  it('stage window: records inside, run edges, and each link as it stood when the window opened', () => {
    const recs: TimelineRecord[] = [link(1, 'iad-1', 'lhr', 'down'), link(2, 'iad-2', 'lhr', 'up'), link(12, 'iad-1', 'lhr', 'up'), statszAt(30, 'iad-1', 'A', [1])];
    const w = windowRecords(recs, at(10), at(20), WHO);
    assert.deepEqual(w.map((r) => r.kind), ['run', 'link', 'link', 'link', 'run']);
    const opening = w.filter((r) => r.kind === 'link' && r.t === at(10));
    assert.deepEqual(opening.map((r) => r.kind === 'link' && [r.server, r.state]), [['iad-1', 'down'], ['iad-2', 'up']]);
    assert.ok(!w.some((r) => r.kind === 'statsz'), 'a record after the window is left out');
  });

  it('only the gated thresholds are judged, at their bounds, with the stage settings', () => {
    const t = stageThresholds(canaryStage) as Record<string, Record<string, unknown>>;
    assert.equal(t.statsz!.maxPerServerPerSecond, 3);
    assert.equal(t.recovery!.maxSeconds, null);
    assert.equal(t.memory!.maxRssMiB, null);
  });

  // The storm of the baseline is not the target's: a stock peer sending 6 in a second does not fail
  // a patched rollout's gate, and the same burst from a server on the target version does.
  const stormWindow = (stormVersion: string): TimelineRecord[] => windowRecords([
    step(10, 0, 'start'), faultById(10, 'u0', 0, 'upgrade', 'applied', 'iad-1'), faultById(12, 'u0', 0, 'upgrade', 'reverted', 'iad-1'),
    withVersion(varz(11, 'iad-1', 'NEW', 20), '2.10.14+brownout'), withVersion(varz(11, 'lhr-1', 'PEER', 20), stormVersion),
    statszAt(11, 'iad-1', 'NEW', [0, 400]), statszAt(11, 'lhr-1', 'PEER', spread(6)),
  ], at(9), at(20), WHO);

  it('gates judge only servers that report the target version: a baseline peer storming passes, the target storming fails', () => {
    const peer = judgeThresholdGates(canaryStage, scopeToTarget(stormWindow('2.10.14'), 'v2.10.14+brownout'));
    assert.deepEqual(peer.map((g) => [g.gate, g.outcome]), [['statsz.maxPerServerPerSecond', 'pass']]);
    const target = judgeThresholdGates(canaryStage, scopeToTarget(stormWindow('2.10.14+brownout'), 'v2.10.14+brownout'));
    assert.deepEqual(target.map((g) => [g.gate, g.outcome]), [['statsz.maxPerServerPerSecond', 'fail']]);
    assert.match(target[0]!.evidence, /lhr-1/);
    assert.deepEqual([...targetServerIds(stormWindow('2.10.14'), 'v2.10.14+brownout')], ['NEW']);
  });

  it('canary series: STATSZ per whole second (0 when silent), RSS per /varz sample, reconnects between samples', () => {
    const recs: TimelineRecord[] = [
      statszAt(10, 'iad-1', 'A', [1, 2]), statszAt(12, 'iad-1', 'A', [5]), statszAt(11, 'iad-2', 'B', [3]),
      { ...varz(10.5, 'iad-1', 'A', 20) }, { ...varz(11.5, 'iad-1', 'A', 21) }, { ...varz(11.5, 'iad-2', 'B', 30) },
      { ...link(11, 'iad-1', 'lhr', 'up'), previous: 'down' },
    ];
    const s = canarySeries(recs, 'iad-1', 'iad-2', at(10), at(13));
    assert.deepEqual(s['statsz.rate'], { canary: [2, 0, 1], baseline: [0, 1, 0] });
    assert.deepEqual(s.rss!.canary, [20, 21]);
    assert.deepEqual(s.reconnects!.canary, [0, 1]);
    assert.equal(s['probe.latency'], undefined, 'probe.latency is not offered: the probe measures region pairs, not servers');
  });

  it('the stage decision: any fail fails, else any inconclusive pauses, no-data decides nothing', () => {
    const g = (outcome: GateResult['outcome']): GateResult => ({ stage: 's', gate: 'g', outcome, observed: '', bound: '', evidence: '' });
    assert.equal(stageOutcome([g('pass'), g('no-data')]), 'pass');
    assert.equal(stageOutcome([g('pass'), g('inconclusive')]), 'inconclusive');
    assert.equal(stageOutcome([g('inconclusive'), g('fail')]), 'fail');
  });

  it('the first state: stages with their batches and servers pending, the baseline peer, nothing started', () => {
    const s = planRollout({ id: 'x', runDir: '/tmp/x', playbook, source: 'p.yaml', seed: 1, servers: [{ name: 'iad-1', region: 'iad' }, { name: 'iad-2', region: 'iad' }, { name: 'lhr-1', region: 'lhr' }, { name: 'lhr-2', region: 'lhr' }] });
    assert.equal(s.phase, 'pending');
    assert.deepEqual(s.stages.map((st) => st.batches), [[['iad-1']], [['iad-2', 'lhr-1'], ['lhr-2']]]);
    assert.equal(s.stages[0]!.baselinePeer, 'iad-2');
    assert.ok(s.stages.flatMap((st) => st.servers).every((u) => u.step === 'pending' && u.from === 'v2.10.14' && u.to === 'v2.10.14+brownout'));
    assert.deepEqual(s.cluster, { owned: true });
  });

  it('reports: a testcase per gate in a suite per stage, FAIL and the rollback in the summary; the wall time split by batch', () => {
    const s = planRollout({ id: 'x', runDir: '/tmp/x', playbook, source: 'p.yaml', seed: 1, servers: [{ name: 'iad-1', region: 'iad' }, { name: 'iad-2', region: 'iad' }, { name: 'lhr-1', region: 'lhr' }, { name: 'lhr-2', region: 'lhr' }] });
    const iso = (sec: number) => new Date(at(sec)).toISOString();
    const done: RolloutState = {
      ...s, phase: 'rolled-back', message: 'stage canary failed its gates', createdAt: iso(0), updatedAt: iso(100),
      stages: [
        { ...s.stages[0]!, phase: 'rolled-back', startedAt: iso(10), soakStartedAt: iso(20), soakEndedAt: iso(80),
          servers: [{ ...s.stages[0]!.servers[0]!, step: 'done', lameDuckMs: 5000, startMs: 1000, meshMs: 2000 }],
          gates: [{ stage: 'canary', gate: 'statsz.maxPerServerPerSecond', outcome: 'fail', observed: '8 msgs/s', bound: '≤ 3', evidence: 'iad-1 sent 8' }] },
        s.stages[1]!,
      ],
      rollback: { startedAt: iso(80), endedAt: iso(95), servers: [{ ...s.stages[0]!.servers[0]!, from: s.target, to: s.baseline, rollback: true, step: 'done', lameDuckMs: 0, startMs: 1000, meshMs: 1000 }],
        gates: [{ stage: 'rollback', gate: 'mesh.full', outcome: 'pass', observed: 'full', bound: '60 s', evidence: '' }] },
    };
    const junit = renderRolloutJunit(done);
    assert.equal((junit.match(/<testsuite /g) ?? []).length, 3);
    assert.equal((junit.match(/<testcase /g) ?? []).length, 2);
    assert.match(junit, /<failure message="fail: observed 8 msgs\/s/);
    const md = renderRolloutSummary(done);
    assert.match(md, /# Rollout p: ROLLED-BACK/);
    assert.match(md, /\| statsz.maxPerServerPerSecond \| FAIL \| 8 msgs\/s/);
    assert.match(md, /## Rollback: done/);
    const t = wallTimeSplit(done);
    assert.deepEqual({ ...t }, { totalMs: 90_000, lameDuckMs: 5000, startMs: 2000, meshMs: 3000, soakMs: 60_000, otherMs: 20_000, bootMs: 10_000, rollbackMs: 15_000 });
  });

  // The rollback's three gates, each failing on its own condition and on nothing else.
  describe('rollback gates', () => {
    const up = (name: string, variant = 'stock') => ({ name, up: true, variant });
    it('servers.onBaseline passes when every server runs the baseline', () => {
      const g = baselineGate({ baseline: 'stock', notBack: [], running: [up('iad-1'), up('iad-2')] });
      assert.equal(g.outcome, 'pass');
      assert.equal(g.observed, '2/2 on stock');
    });
    for (const [why, input, evidence] of [
      ['a move back that did not finish', { notBack: [{ server: 'iad-1', step: 'stopping', message: 'stop timed out' }], running: [up('iad-1'), up('iad-2')] }, 'iad-1: stop timed out'],
      ['a server not running', { notBack: [], running: [{ name: 'iad-1', up: false, variant: 'stock' }, up('iad-2')] }, 'iad-1: not running'],
      ['a server on the target', { notBack: [], running: [up('iad-1', 'patched'), up('iad-2')] }, 'iad-1 (patched): not the baseline'],
    ] as const) {
      it(`servers.onBaseline fails for ${why}`, () => {
        const g = baselineGate({ baseline: 'stock', ...input });
        assert.equal(g.outcome, 'fail');
        assert.equal(g.observed, '1 not back');
        assert.equal(g.evidence, evidence);
      });
    }
    it('mesh.full fails with the mesh check\'s message, passes with the time it took', () => {
      assert.deepEqual([meshGate('', 60, 2.04).outcome, meshGate('', 60, 2.04).observed], ['pass', 'full in 2.0 s']);
      const g = meshGate('full mesh of 4 servers: not reached after 60000ms; still missing: iad-1: gateway to lhr', 60, 60);
      assert.equal(g.outcome, 'fail');
      assert.match(g.evidence, /iad-1: gateway to lhr/);
    });
    it('recovery.noneStuck fails when a link stays down through the final window, passes when it came back', () => {
      const base = [step(0, 0, 'start'), link(1, 'iad-1', 'lhr', 'up'), link(2, 'iad-1', 'lhr', 'down')];
      const stuck = rollbackStuckGate(windowRecords(base, at(0), at(20), WHO), 5);
      assert.equal(stuck?.outcome, 'fail');
      assert.equal(stuck?.gate, 'recovery.noneStuck');
      const back = rollbackStuckGate(windowRecords([...base, link(8, 'iad-1', 'lhr', 'up')], at(0), at(20), WHO), 5);
      assert.equal(back?.outcome, 'pass');
    });
  });
});
