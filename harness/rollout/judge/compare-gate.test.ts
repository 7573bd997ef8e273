import assert from 'node:assert/strict';
import { judgeCompareGate } from './compare-gate.ts';
import { validatePlaybook } from '../playbook.ts';

const playbook = (compare: Record<string, unknown>) => validatePlaybook({
  name: 'p', cluster: { preset: 'three-regions' }, baseline: 'stock', target: 'patched',
  stages: [{ kind: 'canary', server: 'iad-1', gates: [{ compare }] }, { kind: 'global' }],
}, 't');

const quiet = [1.0, 1.2, 0.9, 1.1, 1.0, 0.8, 1.3, 1.0, 0.9, 1.1];
const storm = quiet.map((v) => v * 8);

describe('rollout compare gate', () => {
  it("rollout compare gate - a STATSZ storm beside two calm metrics scores 66.7: Inconclusive under marginal 60, Failed under marginal 75", () => {
    const gate = playbook({ metrics: ['statsz.rate', 'rss', 'cpu'], pass: 95, marginal: 60 }).stages[0]!.gates.compare!;
    const j = judgeCompareGate({ 'statsz.rate': { canary: storm, baseline: quiet }, rss: { canary: quiet, baseline: quiet }, cpu: { canary: quiet, baseline: quiet } }, gate);
    assert.equal(j.outcome, 'inconclusive', j.reason);
    const strict = playbook({ metrics: ['statsz.rate', 'rss', 'cpu'], pass: 95, marginal: 75 }).stages[0]!.gates.compare!;
    assert.equal(judgeCompareGate({ 'statsz.rate': { canary: storm, baseline: quiet }, rss: { canary: quiet, baseline: quiet }, cpu: { canary: quiet, baseline: quiet } }, strict).outcome, 'failed');
  });

  it('rollout compare gate - a critical metric fails alone; a tolerance lets a small rise pass', () => {
    const gate = playbook({ metrics: [{ name: 'statsz.rate', critical: true }, 'rss', 'cpu', 'reconnects'], pass: 50, marginal: 10 }).stages[0]!.gates.compare!;
    const calm = { canary: quiet, baseline: quiet };
    const j = judgeCompareGate({ 'statsz.rate': { canary: storm, baseline: quiet }, rss: calm, cpu: calm, reconnects: calm }, gate);
    assert.equal(j.outcome, 'failed');
    assert.deepEqual(j.criticalFailures, ['statsz.rate']);
    const tolerant = playbook({ metrics: [{ name: 'rss', tolerance: 0.5 }] }).stages[0]!.gates.compare!;
    const rss = Array.from({ length: 10 }, (_, i) => 100 + i);
    assert.equal(judgeCompareGate({ rss: { canary: rss.map((v) => v * 1.2), baseline: rss } }, tolerant).outcome, 'successful');
  });

  it('rollout compare gate - too few samples everywhere is Inconclusive (the rollout pauses), never Successful', () => {
    const gate = playbook({ minSamples: 20 }).stages[0]!.gates.compare!;
    const j = judgeCompareGate({ 'statsz.rate': { canary: storm, baseline: quiet } }, gate);
    assert.equal(j.outcome, 'inconclusive');
    assert.ok(j.metrics.every((m) => m.class === 'no-data'));
  });
});
