// Every threshold, in one place: its schema, default, description and check. Adding a threshold
// touches this file only (and its check's own file). Order here is the order of the verdict table.
// Entries without a check are settings that checks read (a window length, a sample count).
import { z } from 'zod';
import type { JudgeContext } from './context.ts';
import { checkGrowth, checkMaxRss } from './memory.ts';
import { checkGap, checkLossOutsideFaults, checkResume } from './probe.ts';
import { checkNoneStuck, checkRecovery } from './recovery.ts';
import { checkMaxConnects, checkPoolComplete } from './routes.ts';
import { checkStatszFresh } from './statsz-fresh.ts';
import type { CheckResult } from './result.ts';
import { checkStatszExcessPerRestart, checkStatszPerSecond } from './statsz.ts';

/** Effective value of any key: the configured one, else its default. */
export type SettingOf = (key: ThresholdKey) => number | boolean | null;

export interface ThresholdEntry<V> {
  readonly schema: z.ZodType<V>;
  readonly default: V | null;
  /** What the key accepts, for error messages. */
  readonly allowed: string;
  readonly description: string;
  readonly check?: (ctx: JudgeContext, value: V, setting: SettingOf) => CheckResult;
}

const entry = <V>(e: ThresholdEntry<V>): ThresholdEntry<V> => e;
const seconds = z.number().nonnegative();
const count = z.number().int().nonnegative();
const num = (key: string, setting: SettingOf): number => setting(key as ThresholdKey) as number;

// The numbers. recovery and RSS are the design's. STATSZ: fixed from statsz-storm and mass-restart
// runs of both builds at 6 to 48 servers (bench/results/statsz-bounds.md). Per second: stock 6..46,
// patched 2 at every size. Excess per restart: stock 10..56 on statsz-storm, patched 2..4; on
// mass-restart at 6 servers stock reaches only 5, so there it is a guard, not the detector.
export const THRESHOLD_REGISTRY = {
  'recovery.maxSeconds': entry({
    schema: seconds, default: 10, allowed: 'a number of seconds ≥ 0, or null',
    description: 'every route or gateway that went down during a fault is up again within this many seconds of the heal',
    check: (ctx, v) => checkRecovery(ctx, v),
  }),
  'recovery.noneStuck': entry({
    schema: z.boolean(), default: true, allowed: 'true, false or null',
    description: 'no route or gateway is down or stuck in handshake through the final window of the run',
    check: (ctx, _v, s) => checkNoneStuck(ctx, num('recovery.stuckWindowSeconds', s)),
  }),
  'recovery.stuckWindowSeconds': entry({
    schema: z.number().positive(), default: 5, allowed: 'a number of seconds > 0 (5)',
    description: 'a link counts as stuck when it was not up at any sample of the last this-many seconds',
  }),
  'statsz.maxPerServerPerSecond': entry({
    schema: count, default: 3, allowed: 'an integer ≥ 0, or null',
    description: 'most STATSZ one server ID sends in any sliding one-second window, from the first step on (boot is reported, not judged)',
    check: (ctx, v) => checkStatszPerSecond(ctx, v),
  }),
  'statsz.maxExcessPerRestart': entry({
    schema: count, default: 6, allowed: 'an integer ≥ 0 (messages), or null',
    description: 'STATSZ any one server (a restarted one or a peer) sends above its quiet baseline in the window after a restart',
    check: (ctx, v, s) => checkStatszExcessPerRestart(ctx, v, num('statsz.restartWindowSeconds', s)),
  }),
  'statsz.restartWindowSeconds': entry({
    schema: z.number().positive(), default: 5, allowed: 'a number of seconds > 0 (5)',
    description: 'length of the window after each restart in which its STATSZ excess is counted',
  }),
  'memory.maxRssMiB': entry({
    schema: z.number().positive(), default: 256, allowed: 'a number of MiB > 0, or null',
    description: 'highest /varz RSS of any server',
    check: (ctx, v) => checkMaxRss(ctx, v),
  }),
  'memory.maxGrowthRatio': entry({
    schema: z.number().positive(), default: 2, allowed: 'a ratio > 0, or null',
    description: 'per server process: median RSS of its last samples over the median of its first samples',
    check: (ctx, v, s) => checkGrowth(ctx, v, num('memory.growthSampleCount', s)),
  }),
  'memory.growthSampleCount': entry({
    schema: z.number().int().positive(), default: 5, allowed: 'an integer > 0 (5)',
    description: 'samples in the first and in the last window of the growth ratio',
  }),
  'probe.maxLossOutsideFaults': entry({
    schema: count, default: 0, allowed: 'an integer ≥ 0, or null',
    description: 'log messages lost in probe windows that overlap no fault (applied..healed + grace)',
    check: (ctx, v, s) => checkLossOutsideFaults(ctx, v, graceMs(s)),
  }),
  'probe.maxResumeSeconds': entry({
    schema: seconds, default: 10, allowed: 'a number of seconds ≥ 0, or null',
    description: 'after each heal, seconds until every region pair delivers again',
    check: (ctx, v) => checkResume(ctx, v),
  }),
  'probe.maxGapSeconds': entry({
    schema: seconds, default: 2, allowed: 'a number of seconds ≥ 0, or null',
    description: 'longest gap between deliveries of one region pair in windows that overlap no fault',
    check: (ctx, v, s) => checkGap(ctx, v, graceMs(s)),
  }),
  'probe.graceSeconds': entry({
    schema: seconds, default: null, allowed: 'a number of seconds ≥ 0, or null (recovery.maxSeconds)',
    description: "seconds after a heal still counted as the fault's window",
  }),
  'routes.poolComplete': entry({
    schema: z.boolean(), default: null, allowed: 'true, false or null',
    description: 'every pair of live servers holds its full route pool (pool_size unpinned routes and one per pinned account, as /routez lists them) at some sample of the final window',
    check: (ctx, _v, s) => checkPoolComplete(ctx, num('routes.poolWindowSeconds', s)),
  }),
  'routes.poolWindowSeconds': entry({
    schema: z.number().positive(), default: 5, allowed: 'a number of seconds > 0 (5)',
    description: 'a route pool counts as short when it was not complete at any sample of the last this-many seconds',
  }),
  'routes.maxConnectsPerSecond': entry({
    schema: count, default: null, allowed: 'an integer ≥ 0 (connections), or null',
    description: 'most route and gateway connections one server creates in one second of its log, from the first step on (boot is not judged)',
    check: (ctx, v) => checkMaxConnects(ctx, v),
  }),
  'statsz.freshSeconds': entry({
    schema: seconds, default: null, allowed: 'a number of seconds ≥ 0, or null',
    description: "once membership has settled this many seconds, every live server's newest STATSZ agrees with its own /routez (route peers) and the servers alive (active_servers)",
    check: (ctx, v) => checkStatszFresh(ctx, v),
  }),
} satisfies Record<string, ThresholdEntry<any>>;

function graceMs(s: SettingOf): number {
  return ((s('probe.graceSeconds') as number | null) ?? (s('recovery.maxSeconds') as number | null) ?? 10) * 1000;
}

export type ThresholdKey = keyof typeof THRESHOLD_REGISTRY;
type GroupOf<K> = K extends `${infer G}.${string}` ? G : never;
type FieldOf<K, G extends string> = K extends `${G}.${infer F}` ? F : never;
type ValueOf<K> = K extends ThresholdKey ? ((typeof THRESHOLD_REGISTRY)[K] extends ThresholdEntry<infer V> ? V : never) : never;

/** Thresholds as users write them (JSON files, scenario data): `{ statsz: { maxPerServerPerSecond: 3 } }`. */
export type Thresholds = { [G in GroupOf<ThresholdKey>]?: { [F in FieldOf<ThresholdKey, G>]?: ValueOf<`${G}.${F}`> | null } };

export const THRESHOLD_KEYS = Object.keys(THRESHOLD_REGISTRY) as ThresholdKey[];
/** Keys that are judged (the rest are settings). */
export const CHECK_KEYS = THRESHOLD_KEYS.filter((k) => THRESHOLD_REGISTRY[k].check !== undefined);
