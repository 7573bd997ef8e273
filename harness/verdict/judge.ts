// The verdict: every configured threshold checked against the run's timeline. A pure function:
// records and thresholds in, pass/fail per threshold with observed values and evidence out.
import type { TimelineRecord } from '../timeline/records.ts';
import { judgeContext } from './context.ts';
import { checkGrowth, checkMaxRss } from './memory.ts';
import { checkGap, checkLossOutsideFaults, checkResume } from './probe.ts';
import { checkNoneStuck, checkRecovery } from './recovery.ts';
import type { ThresholdResult, Verdict } from './result.ts';
import { checkStatszBytesPerRestart, checkStatszPerSecond } from './statsz.ts';
import type { Thresholds } from './thresholds.ts';

export type { ThresholdResult, Verdict } from './result.ts';

const isSet = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

/** Checks run in this order; a threshold left out or null is not checked and not reported. */
export function judge(records: readonly TimelineRecord[], thresholds: Thresholds): Verdict {
  const ctx = judgeContext(records);
  const { recovery = {}, statsz = {}, memory = {}, probe = {} } = thresholds;
  const graceMs = (probe.graceSeconds ?? recovery.maxSeconds ?? 10) * 1000;
  const results: ThresholdResult[] = [];
  if (isSet(recovery.maxSeconds)) results.push(checkRecovery(ctx, recovery.maxSeconds));
  if (recovery.noneStuck === true) results.push(checkNoneStuck(ctx));
  if (isSet(statsz.maxPerServerPerSecond)) results.push(checkStatszPerSecond(ctx, statsz.maxPerServerPerSecond));
  if (isSet(statsz.maxBytesPerRestart)) results.push(checkStatszBytesPerRestart(ctx, statsz.maxBytesPerRestart, statsz.restartWindowSeconds ?? 10));
  if (isSet(memory.maxRssMiB)) results.push(checkMaxRss(ctx, memory.maxRssMiB));
  if (isSet(memory.maxGrowthRatio)) results.push(checkGrowth(ctx, memory.maxGrowthRatio, memory.growthSampleCount ?? 5));
  if (isSet(probe.maxLossOutsideFaults)) results.push(checkLossOutsideFaults(ctx, probe.maxLossOutsideFaults, graceMs));
  if (isSet(probe.maxResumeSeconds)) results.push(checkResume(ctx, probe.maxResumeSeconds));
  if (isSet(probe.maxGapSeconds)) results.push(checkGap(ctx, probe.maxGapSeconds, graceMs));
  const incomplete = !ctx.ended;
  return { pass: !incomplete && results.every((r) => r.pass), incomplete, results };
}
