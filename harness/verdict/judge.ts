// The verdict: every configured threshold checked against the run's timeline. A pure function:
// records, thresholds and the scenario's detectors in, pass/fail per threshold with its role,
// observed value and evidence out. A detector with nothing to judge fails ("no data"); a guard
// with nothing to judge is `n/a`.
import type { TimelineRecord } from '../timeline/records.ts';
import { judgeContext } from './context.ts';
import { CHECK_KEYS, THRESHOLD_REGISTRY, type SettingOf, type ThresholdEntry, type ThresholdKey } from './registry.ts';
import type { CheckResult, ThresholdResult, ThresholdRole, Verdict } from './result.ts';
import { thresholdValue, type Thresholds } from './thresholds.ts';

export type { ThresholdResult, Verdict } from './result.ts';

export interface JudgeOptions {
  /** The scenario's detectors (threshold keys); every other threshold judged is a guard. */
  detectors?: readonly string[];
}

/** A check's result in its role: a detector with nothing to judge fails. */
export function withRole(r: CheckResult, role: ThresholdRole): ThresholdResult {
  if (r.status === 'n/a' && role === 'detector') {
    const why = r.evidence.map((e) => e.replace(/^n\/a: /, ''));
    return { ...r, role, status: 'fail', pass: false, observed: 'no data', evidence: [`no data: a detector with nothing to judge fails (${why.join('; ')})`] };
  }
  return { ...r, role, pass: r.status !== 'fail' };
}

/** Checks run in registry order; a threshold left out, null or false is not checked and not reported. */
export function judge(records: readonly TimelineRecord[], thresholds: Thresholds, opts: JudgeOptions = {}): Verdict {
  const ctx = judgeContext(records);
  const detectors = new Set(opts.detectors ?? []);
  const setting = settingOf(thresholds);
  const results: ThresholdResult[] = [];
  for (const key of CHECK_KEYS) {
    const value = thresholdValue(thresholds, key);
    if (value === undefined || value === null || value === false) continue;
    const check = (THRESHOLD_REGISTRY[key] as ThresholdEntry<unknown>).check!;
    results.push(withRole(check(ctx, value, setting), detectors.has(key) ? 'detector' : 'guard'));
  }
  const incomplete = !ctx.ended;
  const failed = (role: ThresholdRole): string[] => results.filter((r) => r.role === role && r.status === 'fail').map((r) => r.name);
  return { pass: !incomplete && results.every((r) => r.pass), incomplete, results, detectorsFailed: failed('detector'), guardsFailed: failed('guard') };
}

/** Effective value of any key under `thresholds`: the configured one, else its default. */
export function settingOf(thresholds: Thresholds): SettingOf {
  return (key) => {
    const v = thresholdValue(thresholds, key);
    return (v === undefined ? THRESHOLD_REGISTRY[key].default : v) as number | boolean | null;
  };
}

/** Detectors named that are not judged keys (for plan validation). */
export function unknownDetectors(detectors: readonly string[]): string[] {
  return detectors.filter((d) => !(CHECK_KEYS as readonly string[]).includes(d as ThresholdKey));
}
