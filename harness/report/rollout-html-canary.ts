// The canary-vs-baseline charts of a stage's comparison: for each compared metric whose registry
// entry has a chart (rollout-model/canary-metrics.ts), the canary's and the baseline's samples during
// the soak, as the comparison gate saw them (canarySamples, the same cut). x is seconds since the
// soak began. Pure.
import { CANARY_METRICS, canarySamples, type CanaryMetricTable, type GateResult, type StageState } from '../rollout-model/index.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import type { ChartSpec } from './report-charts.ts';

const round = (x: number): number => Number(x.toFixed(3));

/** One chart per compared metric that has a chart, for the stage's comparison gate; none without one. */
export function canaryCharts(stage: StageState, index: number, gate: GateResult, records: readonly TimelineRecord[], metrics: CanaryMetricTable = CANARY_METRICS): ChartSpec[] {
  const c = gate.comparison;
  if (!c || !stage.soakStartedAt || !stage.soakEndedAt) return [];
  const from = Date.parse(stage.soakStartedAt);
  const to = Date.parse(stage.soakEndedAt);
  const charted = Object.entries(metrics).filter(([name, m]) => m.chart && c.metrics.some((x) => x.name === name));
  const samples = canarySamples(records, c.canary, c.baseline, from, to, Object.fromEntries(charted));
  return charted.map(([metric, entry]): ChartSpec => {
    const chart = entry.chart!;
    const s = samples[metric]!;
    const line = (server: string, values: typeof s.canary, role: string) => ({
      name: `${server} (${role})`, group: `${server} (${role})`, dashed: role === 'baseline', step: false,
      points: values.map((p): [number, number] => [round((p.t - from) / 1000), round(p.v)]),
    });
    const lines = [line(c.canary, s.canary, 'canary'), line(c.baseline, s.baseline, 'baseline')].filter((l) => l.points.length > 0);
    const m = c.metrics.find((x) => x.name === metric)!;
    return {
      id: `stage-${index + 1}-canary-${metric.replace(/\./g, '-')}`,
      title: `Stage ${index + 1} ${stage.name}: ${metric}, canary ${c.canary} vs baseline ${c.baseline}: ${chart.title}`,
      yName: chart.yName, yLog: false, xMax: round((to - from) / 1000), lines, runs: [], bands: [],
      note: `During the soak (x: seconds since it began); ${s.canary.length} canary and ${s.baseline.length} baseline samples; judged ${m.class}${m.harmful ? ' (harmful)' : ''}.`,
    };
  });
}
