import assert from 'node:assert/strict';
import type { CanaryOutcome, Harm, MetricClass } from '../../rollout-model/index.ts';
import { classifyMetric, type MetricConfig } from './classify.ts';
import { judgeCanary } from './judge-canary.ts';
import { scoreCanary } from './score.ts';

const cfg = (over: Partial<MetricConfig> = {}): MetricConfig => ({ name: 'statsz.rate', harm: 'higher', minSamples: 5, confidence: 0.95, tolerance: 0, critical: false, ...over });
const seq = (from: number, n: number, step = 1) => Array.from({ length: n }, (_, i) => from + i * step);
// Ten baseline samples around 1 msg/s, interleaved with a same-level canary: no difference.
const baseline = [1.0, 1.2, 0.9, 1.1, 1.0, 0.8, 1.3, 1.0, 0.9, 1.1];
const same = [1.05, 0.95, 1.15, 0.85, 1.0, 1.25, 0.9, 1.1, 1.0, 1.2];
const storm = baseline.map((v) => v * 8);
const quieter = baseline.map((v) => v / 8);

interface Case { name: string; canary: number[]; baseline: number[]; config: MetricConfig; cls: MetricClass; harmful: boolean; reason: RegExp }

const cases: Case[] = [
  { name: 'same level passes', canary: same, baseline, config: cfg(), cls: 'pass', harmful: false, reason: /no significant difference/ },
  { name: 'a STATSZ storm on the canary is high and harmful', canary: storm, baseline, config: cfg(), cls: 'high', harmful: true, reason: /canary higher by/ },
  { name: 'lower where higher hurts is low and not harmful', canary: quieter, baseline, config: cfg(), cls: 'low', harmful: false, reason: /canary lower by/ },
  { name: 'lower where lower hurts is harmful', canary: quieter, baseline, config: cfg({ harm: 'lower' }), cls: 'low', harmful: true, reason: /lower/ },
  { name: 'either direction hurts: high is harmful', canary: storm, baseline, config: cfg({ harm: 'either' }), cls: 'high', harmful: true, reason: /higher/ },
  { name: 'a significant shift inside the tolerance passes', canary: seq(105, 10, 0.1), baseline: seq(100, 10, 0.1), config: cfg({ tolerance: 0.1 }), cls: 'pass', harmful: false, reason: /within tolerance/ },
  { name: 'too few canary samples is no data', canary: [5, 6, 7, 8], baseline, config: cfg(), cls: 'no-data', harmful: false, reason: /4 canary and 10 baseline samples; need 5 each/ },
  { name: 'non-finite samples do not count', canary: [NaN, Infinity, 1, 2, 3, 4], baseline, config: cfg(), cls: 'no-data', harmful: false, reason: /4 canary/ },
];

describe('rollout judge - classify and score', () => {
  for (const c of cases) {
    it(`rollout judge - classify ${c.name}`, () => {
      const r = classifyMetric(c.canary, c.baseline, c.config);
      assert.equal(r.class, c.cls, r.reason);
      assert.equal(r.harmful, c.harmful);
      assert.match(r.reason, c.reason);
      if (c.cls !== 'no-data') assert.ok(r.test && r.shift);
    });
  }

  it('rollout judge - classify a shift that is significant but beyond the tolerance is high', () => {
    const r = classifyMetric(seq(100, 10).map((v) => v * 1.5), seq(100, 10), cfg({ tolerance: 0.1 }));
    assert.equal(r.class, 'high');
  });

  const mk = (name: string, cls: MetricClass, harm: Harm = 'higher') => ({ name, class: cls, harmful: cls === 'high' && harm !== 'lower', canarySamples: 10, baselineSamples: 10, reason: '' });
  const bounds = { pass: 95, marginal: 75 };
  const scoring: { name: string; classes: MetricClass[]; outcome: CanaryOutcome; score: number | null; critical?: string[] }[] = [
    { name: 'all pass is Successful', classes: ['pass', 'pass', 'pass', 'pass'], outcome: 'successful', score: 100 },
    { name: 'low where higher hurts still passes', classes: ['pass', 'low', 'pass', 'pass'], outcome: 'successful', score: 100 },
    { name: 'one of five harmful is 80: Inconclusive', classes: ['pass', 'pass', 'pass', 'pass', 'high'], outcome: 'inconclusive', score: 80 },
    { name: 'exactly the marginal bound is Inconclusive', classes: ['pass', 'pass', 'pass', 'high'], outcome: 'inconclusive', score: 75 },
    { name: 'two of four harmful is 50: Failed', classes: ['pass', 'high', 'pass', 'high'], outcome: 'failed', score: 50 },
    { name: 'no data is left out of the score', classes: ['pass', 'no-data', 'pass', 'no-data'], outcome: 'successful', score: 100 },
    { name: 'nothing with data is Inconclusive, not a pass', classes: ['no-data', 'no-data'], outcome: 'inconclusive', score: null },
    { name: 'a harmful critical metric fails whatever the score', classes: ['high', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass'], outcome: 'failed', score: (100 * 20) / 21, critical: ['m0'] },
  ];
  for (const s of scoring) {
    it(`rollout judge - score ${s.name}`, () => {
      const r = scoreCanary(s.classes.map((c, i) => mk(`m${i}`, c)), bounds, new Set(s.critical ?? []));
      assert.equal(r.outcome, s.outcome, r.reason);
      assert.equal(r.score, s.score);
    });
  }

  it('rollout judge - score refuses a marginal bound above the pass bound', () => {
    assert.throws(() => scoreCanary([], { pass: 50, marginal: 60 }), /marginal 60 above pass 50/);
  });

  it('rollout judge - judgeCanary classifies every configured metric, a missing series is no data', () => {
    const j = judgeCanary(
      { 'statsz.rate': { canary: storm, baseline }, rss: { canary: same, baseline } },
      [cfg(), cfg({ name: 'rss' }), cfg({ name: 'cpu' })],
      bounds,
    );
    assert.deepEqual(j.metrics.map((m) => [m.name, m.class]), [['statsz.rate', 'high'], ['rss', 'pass'], ['cpu', 'no-data']]);
    assert.equal(j.outcome, 'failed');
    assert.equal(j.score, 50);
  });
});
