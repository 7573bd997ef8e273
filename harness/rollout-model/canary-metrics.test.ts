// A canary metric is one entry in a table: its samples, its harm, its chart. This test adds one
// (the /varz slow consumers a server counted, as connections per sample) and shows the comparison
// gate judging it and the report charting it, with nothing else changed.
import assert from 'node:assert/strict';
import { T0, varz } from '../../test/support/timeline-fixtures.ts';
import { canaryCharts } from '../report/rollout-html-canary.ts';
import { judgeCompare } from '../rollout/judge/compare-gate.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { CANARY_METRICS, NOT_CANARY_METRICS, type CanaryMetric, type CanaryMetricTable } from './canary-metrics.ts';
import { canarySeries } from './canary-series.ts';
import type { Stage, StageState } from './index.ts';

const at = (s: number) => T0 + s * 1000;

const slowConsumers: CanaryMetric = {
  harm: 'higher', unit: 'count', description: 'slow consumers the server counted (/varz slow_consumers)',
  samples: (w) => w.records.flatMap((r) => (r.kind === 'varz' && r.server === w.server && r.t >= w.from && r.t <= w.to ? [{ t: r.t, v: r.slowConsumers ?? 0 }] : [])),
  chart: { title: 'Slow consumers (/varz slow_consumers)', yName: 'connections' },
};
const metrics: CanaryMetricTable = { ...CANARY_METRICS, 'slow.consumers': slowConsumers };

// Twelve /varz samples each; the canary's slow consumers climb, the baseline's stay at 0.
const records: TimelineRecord[] = Array.from({ length: 12 }, (_, i) => [
  { ...varz(i + 0.5, 'iad-1', 'A', 20), slowConsumers: 3 + i },
  { ...varz(i + 0.5, 'iad-2', 'B', 20), slowConsumers: 0 },
]).flat();

const stage = {
  name: 'canary', gates: { thresholds: [], compare: { metrics: [{ name: 'slow.consumers', harm: 'higher', tolerance: 0, critical: true }], pass: 95, marginal: 75, confidence: 0.95, minSamples: 5 } },
} as unknown as Stage;

describe('canary metrics', () => {
  it('canary metrics - a metric added as one entry is cut, judged and charted', () => {
    const s = canarySeries(records, 'iad-1', 'iad-2', at(0), at(12), metrics);
    assert.deepEqual(s['slow.consumers']!.baseline, Array(12).fill(0));
    assert.equal(s['slow.consumers']!.canary.length, 12);

    const gate = judgeCompare(stage, records, 'iad-1', 'iad-2', at(0), at(12), metrics);
    assert.equal(gate.outcome, 'fail', gate.evidence);
    assert.deepEqual(gate.comparison!.metrics.map((m) => [m.name, m.class, m.harmful]), [['slow.consumers', 'high', true]]);

    const state = { name: 'canary', soakStartedAt: new Date(at(0)).toISOString(), soakEndedAt: new Date(at(12)).toISOString() } as StageState;
    const charts = canaryCharts(state, 0, gate, records, metrics);
    assert.deepEqual(charts.map((c) => c.id), ['stage-1-canary-slow-consumers']);
    assert.match(charts[0]!.title, /Slow consumers/);
    assert.equal(charts[0]!.lines.length, 2);
  });

  it('canary metrics - probe.latency is not offered, and the reason is there to say so', () => {
    assert.equal('probe.latency' in CANARY_METRICS, false);
    assert.match(NOT_CANARY_METRICS['probe.latency']!, /region pairs, not servers/);
  });
});
