// Judging a cluster brownout only watches (`brownout watch`): the registry's own checks, over a
// window of the timeline, with the fault steps of a chaos run replaced by what the observer saw
// (observed-faults.ts: a server that stopped answering or came back under a new ID). Pure: records
// and times in, a verdict out. SlidingJudge keeps, across windows, when each threshold first failed.
import { recordsOf, type StatszRecord, type TimelineRecord } from '../timeline/records.ts';
import { statszTimes } from '../timeline/statsz-times.ts';
import { linkHistories, stateAt } from '../timeline/link-history.ts';
import type { JudgeContext } from './context.ts';
import { settingOf, withRole } from './judge.ts';
import { observedFaults, regionOfServers, serversOutDuring } from './observed-faults.ts';
import { CHECK_KEYS, THRESHOLD_REGISTRY, type ThresholdEntry, type ThresholdKey } from './registry.ts';
import { cap, clock, notApplicable, secs, type CheckResult, type ThresholdResult, type Verdict } from './result.ts';
import { thresholdValue, type Thresholds } from './thresholds.ts';

export interface WatchWindow {
  /** ms epoch, inclusive */
  from: number;
  /** ms epoch: now, or the end of the watch */
  to: number;
}

/**
 * How each judged threshold reads a watch, printed when a watch starts. Every judged key is here
 * (a test keeps it so): a key a watch could not judge would say why instead.
 */
export const WATCH_JUDGING: Readonly<Record<ThresholdKey, string>> = {
  'recovery.maxSeconds': 'links that went down around an observed outage or restart are up again within the bound after the server answers again',
  'recovery.noneStuck': 'no link down or in handshake through the last stuckWindowSeconds, leaving out links of a server that was out of service in the last stuckWindowSeconds + recovery.maxSeconds (recovery.maxSeconds judges those)',
  'recovery.stuckWindowSeconds': 'setting',
  'statsz.maxPerServerPerSecond': 'every STATSZ in the window (no boot to leave out: the cluster was running before the watch)',
  'statsz.maxExcessPerRestart': 'after each observed restart (a server back under a new ID in /varz, or sending STATSZ under a new ID; servers seen out at the same time are one restart)',
  'statsz.restartWindowSeconds': 'setting',
  'memory.maxRssMiB': 'as in a run',
  'memory.maxGrowthRatio': 'per server process, over the window',
  'memory.growthSampleCount': 'setting',
  'probe.maxLossOutsideFaults': 'outside observed outages and restarts (+ grace)',
  'probe.maxResumeSeconds': 'after each observed outage or restart ends',
  'probe.maxGapSeconds': 'outside observed outages and restarts (+ grace)',
  'probe.graceSeconds': 'setting',
  'routes.poolComplete': "every pair of live servers holds its full route pool at some sample of the window's last routes.poolWindowSeconds",
  'routes.poolWindowSeconds': 'setting',
  'routes.maxConnectsPerSecond': "not judged (n/a): it counts connections in the servers' logs, and a watch reads no server's log",
  'statsz.freshSeconds': "at the window's end: every live server's newest STATSZ agrees with its own /routez and the servers alive, once membership has been settled for the bound",
};

/** `statsz` records cut to the messages received in [from, to). */
function clipStatsz(r: StatszRecord, from: number, to: number): StatszRecord | undefined {
  const times = statszTimes(r);
  const keep = times.filter((t) => t >= from && t < to);
  if (keep.length === 0) return undefined;
  if (keep.length === times.length) return r;
  return { ...r, msgs: keep.length, bytes: Math.round((r.bytes * keep.length) / times.length), offsetsMs: keep.map((t) => t - r.second) };
}

/**
 * The records a window is judged on: what happened in it, plus every `link` and `server` record
 * before it (a link's state at the window's start; outages that began earlier).
 */
export function windowRecords(records: readonly TimelineRecord[], w: WatchWindow): TimelineRecord[] {
  const out: TimelineRecord[] = [];
  for (const r of records) {
    if (r.kind === 'statsz') {
      const c = clipStatsz(r, w.from, w.to);
      if (c) out.push(c);
    } else if (r.kind === 'link') {
      if (r.since <= w.to) out.push(r);
    } else if (r.kind === 'server') {
      if (r.t <= w.to) out.push(r);
    } else if (r.kind === 'probe') {
      if (r.windowEnd > w.from && r.windowEnd <= w.to) out.push(r);
    } else if (r.kind !== 'run' && r.t >= w.from && r.t <= w.to) {
      out.push(r);
    }
  }
  return out;
}

function contextOf(records: TimelineRecord[], w: WatchWindow, all: readonly TimelineRecord[]): JudgeContext {
  // Outages that ended long before the window judge nothing in it.
  const faults = observedFaults(all.filter((r) => r.t <= w.to)).filter((f) => f.reverted === null || f.reverted >= w.from - 60_000);
  return { records, faults, runStart: w.from, runEnd: w.to, ended: true, firstStepAt: w.from };
}

/** The window's context without the links of servers out of service lately (for recovery.noneStuck). */
function settledContext(ctx: JudgeContext, all: readonly TimelineRecord[], recentMs: number): { ctx: JudgeContext; left: string[] } {
  const out = serversOutDuring(all.filter((r) => r.t <= ctx.runEnd), ctx.runEnd - recentMs, ctx.runEnd);
  if (out.size === 0) return { ctx, left: [] };
  const region = regionOfServers(all);
  const outRegions = new Set([...out].map((s) => region.get(s)).filter((r): r is string => r !== undefined));
  const touches = (r: TimelineRecord): boolean => r.kind === 'link'
    && (out.has(r.server) || (r.linkType === 'route' ? out.has(r.peer) : outRegions.has(r.peer)));
  return { ctx: { ...ctx, records: ctx.records.filter((r) => !touches(r)) }, left: [...out].sort() };
}

/** Every judged threshold over one window, each a guard (a watch has no scenario to name detectors). */
export function judgeWatchWindow(records: readonly TimelineRecord[], thresholds: Thresholds, w: WatchWindow): Verdict {
  const setting = settingOf(thresholds);
  const ctx = contextOf(windowRecords(records, w), w, records);
  const results: ThresholdResult[] = [];
  for (const key of CHECK_KEYS) {
    const value = thresholdValue(thresholds, key);
    if (value === undefined || value === null || value === false) continue;
    const check = (THRESHOLD_REGISTRY[key] as ThresholdEntry<unknown>).check!;
    const result = key === 'recovery.noneStuck' ? noneStuck(ctx, records, check, value, setting)
      : key === 'recovery.maxSeconds' ? recoveryPerOutage(ctx, value as number)
        : key === 'probe.maxResumeSeconds' ? check({ ...ctx, faults: settledFaults(ctx, value as number) }, value, setting)
          : check(ctx, value, setting);
    results.push(withRole(result, 'guard'));
  }
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.name);
  return { pass: failed.length === 0, incomplete: false, results, detectorsFailed: [], guardsFailed: failed };
}

type Check = NonNullable<ThresholdEntry<unknown>['check']>;

/** Outages over at least `boundSeconds` before the window's end: only those have had their chance to recover. */
function settledFaults(ctx: JudgeContext, boundSeconds: number): JudgeContext['faults'] {
  return ctx.faults.filter((f) => f.reverted !== null && f.reverted <= ctx.runEnd - boundSeconds * 1000);
}

/**
 * recovery.maxSeconds over observed outages: every link that was not up at some point of an outage
 * is up at its end (the server answers again) or comes up within the bound after it. Each outage
 * on its own: in a rolling restart the next server going out is not a fault step that ends the
 * previous one's recovery, nor does what it does to the links later count against it.
 */
function recoveryPerOutage(ctx: JudgeContext, maxSeconds: number): CheckResult {
  const name = 'recovery.maxSeconds';
  const bound = `≤ ${maxSeconds} s`;
  const faults = settledFaults(ctx, maxSeconds);
  if (faults.length === 0) return notApplicable(name, bound, `no observed outage or restart over for ${maxSeconds} s or more in the window`);
  const histories = linkHistories(ctx.records);
  const failures: string[] = [];
  let judged = 0;
  let worst = 0;
  let unrecovered = 0;
  for (const f of faults) {
    const R = f.reverted!;
    for (const h of histories) {
      const atStart = stateAt(h, f.begun);
      const wasDown = (atStart !== undefined && atStart.state !== 'up') || h.transitions.some((x) => x.at > f.begun && x.at <= R && x.state !== 'up');
      if (!wasDown) continue;
      judged += 1;
      const up = stateAt(h, R)?.state === 'up' ? R : h.transitions.find((x) => x.at > R && x.state === 'up')?.at;
      const link = `${h.server} → ${h.peer} ${h.linkType}`;
      if (up === undefined || up - R > maxSeconds * 1000) {
        if (up === undefined) unrecovered += 1;
        else worst = Math.max(worst, up - R);
        failures.push(up === undefined
          ? `${link} not up again ${secs(ctx.runEnd - R)} after ${f.label} ended at ${clock(R)}`
          : `${link} up ${secs(up - R)} after ${f.label} ended at ${clock(R)}`);
        continue;
      }
      worst = Math.max(worst, up - R);
    }
  }
  if (judged === 0) return notApplicable(name, bound, `no link went down in ${faults.length} observed outage(s)`);
  const pass = failures.length === 0;
  const summary = `${judged} link outage(s) in ${faults.length} observed outage(s), ${judged - unrecovered} back up, slowest in ${secs(worst)}`;
  return {
    name, bound, observed: unrecovered > 0 ? `${unrecovered} link(s) not recovered` : secs(worst), observedValue: unrecovered > 0 ? null : worst / 1000,
    status: pass ? 'pass' : 'fail', evidence: cap([...failures, summary]),
  };
}

function noneStuck(ctx: JudgeContext, all: readonly TimelineRecord[], check: Check, value: unknown, setting: ReturnType<typeof settingOf>): CheckResult {
  const recentMs = (((setting('recovery.stuckWindowSeconds') as number | null) ?? 5) + ((setting('recovery.maxSeconds') as number | null) ?? 10)) * 1000;
  const settled = settledContext(ctx, all, recentMs);
  const leftOut = settled.left.length ? [`left out (out of service in the last ${secs(recentMs)}; recovery.maxSeconds judges them): links of ${settled.left.join(', ')}`] : [];
  const linksLeft = recordsOf(settled.ctx.records, 'link').length;
  if (linksLeft === 0 && recordsOf(ctx.records, 'link').length > 0) {
    const r = notApplicable('recovery.noneStuck', `no link down or in handshake through the last ${setting('recovery.stuckWindowSeconds')} s`, 'every link touches a server out of service lately');
    return { ...r, evidence: [...r.evidence, ...leftOut] };
  }
  const r = check(settled.ctx, value, setting);
  return { ...r, evidence: [...r.evidence, ...leftOut] };
}

/** When a threshold first failed in a window, and what it saw there. */
export interface WindowFailure {
  name: string;
  /** End of the first window it failed in (ms epoch): when the watch saw it fail. */
  at: number;
  window: WatchWindow;
  observed: string;
  observedValue: number | null;
  evidence: string[];
}

/**
 * Judges the last `windowMs` of a growing timeline each time it is asked (`judge(records, now)`),
 * remembering each threshold's first failure; `final()` judges the whole watch and keeps every
 * threshold that failed in any window failed (a stuck link that came back later still failed).
 */
export class SlidingJudge {
  readonly #failures = new Map<string, WindowFailure>();
  #last: Verdict | undefined;
  /** Records kept for the windows to come: every `link` and `server` record, the rest while recent. */
  #kept: TimelineRecord[] = [];
  #seen = 0;

  constructor(readonly thresholds: Thresholds, readonly windowMs: number, readonly startedAt: number) {}

  /**
   * `records` grows by appending (the observer's timeline): each call reads only what is new, and
   * forgets what no window will judge again, so a watch of hours costs what a watch of one window does.
   */
  judge(records: readonly TimelineRecord[], now: number): { verdict: Verdict; newFailures: WindowFailure[] } {
    const window = { from: Math.max(this.startedAt, now - this.windowMs), to: now };
    for (let i = this.#seen; i < records.length; i++) this.#kept.push(records[i]!);
    this.#seen = records.length;
    // A minute of margin: statsz and probe records are written after the second or window they describe.
    const horizon = window.from - 60_000;
    this.#kept = this.#kept.filter((r) => r.kind === 'link' || r.kind === 'server' || r.t >= horizon);
    const verdict = judgeWatchWindow(this.#kept, this.thresholds, window);
    const newFailures: WindowFailure[] = [];
    for (const r of verdict.results) {
      if (r.status !== 'fail' || this.#failures.has(r.name)) continue;
      const f = { name: r.name, at: now, window, observed: r.observed, observedValue: r.observedValue, evidence: r.evidence };
      this.#failures.set(r.name, f);
      newFailures.push(f);
    }
    this.#last = verdict;
    return { verdict, newFailures };
  }

  /** First failures, earliest first (registry order within one window). */
  get failures(): WindowFailure[] {
    return [...this.#failures.values()];
  }

  /** The latest window's verdict. */
  get last(): Verdict | undefined {
    return this.#last;
  }

  /** The whole watch [startedAt, end], with every threshold that failed in a window kept failed. */
  final(records: readonly TimelineRecord[], end: number): Verdict {
    const whole = judgeWatchWindow(records, this.thresholds, { from: this.startedAt, to: end });
    const results = whole.results.map((r): ThresholdResult => {
      const f = this.#failures.get(r.name);
      if (!f) return r;
      const where = `failed in the window ${clock(f.window.from)}–${clock(f.window.to)} (first seen at ${clock(f.at)})`;
      if (r.status === 'fail') return { ...r, evidence: [...r.evidence, where] };
      return { ...r, status: 'fail', pass: false, observed: f.observed, observedValue: f.observedValue, evidence: [`${where}:`, ...f.evidence, `over the whole watch: ${r.observed}`] };
    });
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.name);
    return { pass: failed.length === 0, incomplete: false, results, detectorsFailed: [], guardsFailed: failed };
  }
}
