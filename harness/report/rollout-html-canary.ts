// The canary-vs-baseline charts of a stage's comparison: for each compared metric that has a
// per-server series (statsz.rate, rss, cpu), the canary's and the baseline's samples during the
// soak, as the comparison gate saw them (gates.ts `canarySeries`, the same cut). x is seconds since
// the soak began. Pure.
import { canarySeries } from '../rollout/controller/gates.ts';
import type { GateResult, StageState } from '../rollout/controller/state.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import type { ChartSpec } from './report-charts.ts';

export const CANARY_CHART_METRICS = ['statsz.rate', 'rss', 'cpu'] as const;
type Charted = (typeof CANARY_CHART_METRICS)[number];

const UNIT: Record<Charted, { title: string; yName: string }> = {
  'statsz.rate': { title: 'STATSZ per second', yName: 'msgs/s' },
  rss: { title: 'RSS (/varz mem)', yName: 'MiB' },
  cpu: { title: 'CPU (/varz cpu)', yName: '% of a core' },
};

const round = (x: number): number => Number(x.toFixed(3));

/** When each of the server's /varz samples that canarySeries keeps was taken (the same filter). */
function varzTimes(records: readonly TimelineRecord[], server: string, from: number, to: number): number[] {
  return records.filter((r) => r.kind === 'varz' && r.server === server && r.intervalMs > 0 && r.t >= from && r.t <= to).map((r) => r.t);
}

/** x of each sample: whole seconds for statsz.rate, the /varz sample times otherwise (evenly spread if they disagree). */
function xs(metric: Charted, n: number, records: readonly TimelineRecord[], server: string, from: number, to: number): number[] {
  if (metric === 'statsz.rate') {
    const first = Math.ceil(from / 1000) * 1000;
    return Array.from({ length: n }, (_, i) => round((first + i * 1000 - from) / 1000));
  }
  const times = varzTimes(records, server, from, to);
  if (times.length === n) return times.map((t) => round((t - from) / 1000));
  return Array.from({ length: n }, (_, i) => round(((to - from) / 1000) * ((i + 1) / Math.max(1, n))));
}

/** One chart per compared metric with samples, for the stage's comparison gate; none without one. */
export function canaryCharts(stage: StageState, index: number, gate: GateResult, records: readonly TimelineRecord[]): ChartSpec[] {
  const c = gate.comparison;
  if (!c || !stage.soakStartedAt || !stage.soakEndedAt) return [];
  const from = Date.parse(stage.soakStartedAt);
  const to = Date.parse(stage.soakEndedAt);
  const series = canarySeries(records, c.canary, c.baseline, from, to);
  const compared = new Set(c.metrics.map((m) => m.name));
  return CANARY_CHART_METRICS.filter((m) => compared.has(m)).map((metric): ChartSpec => {
    const s = series[metric] ?? { canary: [], baseline: [] };
    const line = (server: string, values: readonly number[], role: string) => {
      const x = xs(metric, values.length, records, server, from, to);
      return { name: `${server} (${role})`, group: `${server} (${role})`, dashed: role === 'baseline', step: false, points: values.map((v, i): [number, number] => [x[i]!, round(v)]) };
    };
    const lines = [line(c.canary, s.canary, 'canary'), line(c.baseline, s.baseline, 'baseline')].filter((l) => l.points.length > 0);
    const m = c.metrics.find((x) => x.name === metric)!;
    return {
      id: `stage-${index + 1}-canary-${metric.replace(/\./g, '-')}`,
      title: `Stage ${index + 1} ${stage.name}: ${metric}, canary ${c.canary} vs baseline ${c.baseline}: ${UNIT[metric].title}`,
      yName: UNIT[metric].yName, yLog: false, xMax: round((to - from) / 1000), lines, runs: [], bands: [],
      note: `During the soak (x: seconds since it began); ${s.canary.length} canary and ${s.baseline.length} baseline samples; judged ${m.class}${m.harmful ? ' (harmful)' : ''}.`,
    };
  });
}
