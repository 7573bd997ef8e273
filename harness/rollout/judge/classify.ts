// One metric, canary against baseline: Mann-Whitney U for whether they differ, Hodges-Lehmann for
// by how much and which way. Kayenta's classes: pass, high, low, no-data (rollout-model/phases.ts).
import { hodgesLehmann, type ShiftEstimate } from './hodges-lehmann.ts';
import { mannWhitney, type MannWhitneyResult } from './mann-whitney.ts';
import type { Harm, MetricClass } from '../../rollout-model/index.ts';

export interface MetricConfig {
  name: string;
  harm: Harm;
  /** Fewer samples than this on either side is "no data". */
  minSamples: number;
  /** Confidence of the test and the interval (e.g. 0.95: significant when p < 0.05). */
  confidence: number;
  /**
   * Shifts smaller than this share of the baseline median pass even when significant
   * (Kayenta's allowed increase/decrease): 0.1 lets the canary be 10 % worse. Default 0.
   */
  tolerance: number;
  /** A harmful class on a critical metric fails the whole comparison, whatever the score. */
  critical: boolean;
}

export interface MetricResult {
  name: string;
  class: MetricClass;
  /** The class counts against the canary (its direction is the metric's harm). */
  harmful: boolean;
  canarySamples: number;
  baselineSamples: number;
  test?: MannWhitneyResult;
  /** Shift canary − baseline. */
  shift?: ShiftEstimate;
  baselineMedian?: number;
  /** One line for reports: why this class. */
  reason: string;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function isHarmful(cls: MetricClass, harm: Harm): boolean {
  if (cls === 'high') return harm !== 'lower';
  if (cls === 'low') return harm !== 'higher';
  return false;
}

export function classifyMetric(canary: readonly number[], baseline: readonly number[], cfg: MetricConfig): MetricResult {
  const c = canary.filter(Number.isFinite);
  const b = baseline.filter(Number.isFinite);
  const base = { name: cfg.name, canarySamples: c.length, baselineSamples: b.length };
  if (c.length < cfg.minSamples || b.length < cfg.minSamples) {
    return { ...base, class: 'no-data', harmful: false, reason: `${c.length} canary and ${b.length} baseline samples; need ${cfg.minSamples} each` };
  }
  const test = mannWhitney(c, b);
  const shift = hodgesLehmann(c, b, cfg.confidence);
  const baselineMedian = median(b);
  const allowed = cfg.tolerance * Math.abs(baselineMedian);
  const alpha = 1 - cfg.confidence;
  let cls: MetricClass = 'pass';
  let reason: string;
  if (test.p >= alpha) {
    reason = `no significant difference (p=${fmt(test.p)} ≥ ${fmt(alpha)})`;
  } else if (Math.abs(shift.estimate) <= allowed) {
    reason = `shift ${fmt(shift.estimate)} within tolerance ±${fmt(allowed)} (p=${fmt(test.p)})`;
  } else {
    cls = shift.estimate > 0 ? 'high' : 'low';
    reason = `canary ${cls === 'high' ? 'higher' : 'lower'} by ${fmt(shift.estimate)} [${fmt(shift.lower)}, ${fmt(shift.upper)}] (p=${fmt(test.p)})`;
  }
  return { ...base, class: cls, harmful: isHarmful(cls, cfg.harm), test, shift, baselineMedian, reason };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(3);
}
