// The canary's and the baseline's samples of every metric over one window, as the comparison gate
// judges them and the report charts them (the same cut for both). Pure: records in, series out.
import type { TimelineRecord } from '../timeline/records.ts';
import { CANARY_METRICS, type CanaryMetricTable, type Sample } from './canary-metrics.ts';

/** Per metric, the canary's and the baseline's samples (with their times) in [from, to]. */
export type CanarySamples = Record<string, { canary: Sample[]; baseline: Sample[] }>;
/** Per metric, the canary's and the baseline's values: what the statistics see. */
export type CanarySeries = Record<string, { canary: readonly number[]; baseline: readonly number[] }>;

export function canarySamples(records: readonly TimelineRecord[], canary: string, baseline: string, from: number, to: number, metrics: CanaryMetricTable = CANARY_METRICS): CanarySamples {
  const out: CanarySamples = {};
  for (const [name, m] of Object.entries(metrics)) {
    out[name] = { canary: m.samples({ records, server: canary, from, to }), baseline: m.samples({ records, server: baseline, from, to }) };
  }
  return out;
}

export function canarySeries(records: readonly TimelineRecord[], canary: string, baseline: string, from: number, to: number, metrics: CanaryMetricTable = CANARY_METRICS): CanarySeries {
  const out: CanarySeries = {};
  for (const [name, s] of Object.entries(canarySamples(records, canary, baseline, from, to, metrics))) {
    out[name] = { canary: s.canary.map((x) => x.v), baseline: s.baseline.map((x) => x.v) };
  }
  return out;
}
