// probe.maxLossOutsideFaults, probe.maxGapSeconds and probe.maxResumeSeconds, from `probe` records
// (one per region pair per window). Pure. A fault's window runs from the start of the step that
// applied it (a restart loses messages before `applied` is written) to reverted + grace; a probe
// window that overlaps none is "outside faults".
import { recordsOf, type ProbeRecord } from '../timeline/records.ts';
import type { JudgeContext } from './context.ts';
import { otherFaultActiveAt, type FaultWindow } from './faults.ts';
import { cap, clock, notApplicable, secs, type CheckResult, outcome } from './result.ts';

const pairOf = (r: ProbeRecord): string => `${r.from}→${r.to}`;
const span = (r: ProbeRecord): string => `${clock(r.windowStart)}–${clock(r.windowEnd)}`;

function insideFault(r: ProbeRecord, faults: readonly FaultWindow[], graceMs: number): boolean {
  return faults.some((f) => r.windowStart < (f.reverted ?? Infinity) + graceMs && r.windowEnd > f.begun);
}

function split(ctx: JudgeContext, graceMs: number): { inside: ProbeRecord[]; outside: ProbeRecord[] } {
  const inside: ProbeRecord[] = [];
  const outside: ProbeRecord[] = [];
  for (const r of recordsOf(ctx.records, 'probe')) (insideFault(r, ctx.faults, graceMs) ? inside : outside).push(r);
  return { inside, outside };
}

export function checkLossOutsideFaults(ctx: JudgeContext, max: number, graceMs: number): CheckResult {
  const name = 'probe.maxLossOutsideFaults';
  const bound = `≤ ${max} lost outside faults`;
  const { inside, outside } = split(ctx, graceMs);
  if (outside.length === 0) return notApplicable(name, bound, inside.length === 0 ? 'no probe records' : 'every probe window overlaps a fault');
  const lost = outside.reduce((n, r) => n + r.lost, 0);
  const lossy = outside.filter((r) => r.lost > 0).sort((a, b) => b.lost - a.lost || a.windowStart - b.windowStart);
  const ignored = inside.reduce((n, r) => n + r.lost, 0);
  const pass = lost <= max;
  const evidence = [
    ...cap(lossy.map((r) => `${pairOf(r)} lost ${r.lost} of ${r.sent} in window ${span(r)} (no fault)`), 8),
    `${outside.length} window(s) outside faults, ${inside.length} inside (grace ${secs(graceMs)}); ${ignored} lost inside faults not counted`,
  ];
  return { name, bound, observed: `${lost} lost`, observedValue: lost, status: outcome(pass), evidence };
}

export function checkGap(ctx: JudgeContext, maxSeconds: number, graceMs: number): CheckResult {
  const name = 'probe.maxGapSeconds';
  const bound = `≤ ${maxSeconds} s`;
  const { inside, outside } = split(ctx, graceMs);
  if (outside.length === 0) return notApplicable(name, bound, inside.length === 0 ? 'no probe records' : 'every probe window overlaps a fault');
  const sorted = [...outside].sort((a, b) => b.longestGapMs - a.longestGapMs || a.windowStart - b.windowStart);
  const worst = sorted[0]!;
  const line = (r: ProbeRecord): string => `${pairOf(r)} gap ${secs(r.longestGapMs)} in window ${span(r)} (no fault)`;
  const over = sorted.filter((r) => r.longestGapMs > maxSeconds * 1000);
  const pass = over.length === 0;
  return { name, bound, observed: secs(worst.longestGapMs), observedValue: worst.longestGapMs / 1000, status: outcome(pass), evidence: pass ? [`longest: ${line(worst)}`] : cap(over.map(line)) };
}

/**
 * Upper bound on the time from `R` to the pair's first delivery after it, from window figures only.
 * A window's `longestGapMs` covers the gap that ends at its first delivery (the gap carries over
 * window edges), and that gap started at or before R, so the delivery came within it of R. A window
 * spanning R whose longest gap is shorter than the rest of the window must hold a delivery after R.
 * Returns null when the pair delivered nothing after R, undefined when no window closed after R.
 */
export function resumeBoundMs(windows: readonly ProbeRecord[], R: number): number | null | undefined {
  // A window with nothing sent (publishers stopped at the end) says nothing either way.
  const after = windows.filter((w) => w.windowEnd > R && (w.sent > 0 || w.delivered > 0)).sort((a, b) => a.windowEnd - b.windowEnd);
  if (after.length === 0) return undefined;
  let pending: number | undefined;
  for (const w of after) {
    if (w.delivered === 0) continue;
    if (w.windowStart < R) {
      if (w.longestGapMs < w.windowEnd - R) return w.longestGapMs;
      pending = w.windowEnd - R; // delivered, but maybe only before R
      continue;
    }
    const est = Math.min(w.windowEnd - R, w.longestGapMs);
    return Math.max(pending ?? 0, est);
  }
  // Only an ambiguous window delivered: if it was the last one, give it the benefit of the doubt.
  return pending !== undefined && after[after.length - 1]!.windowEnd - R === pending ? pending : null;
}

export function checkResume(ctx: JudgeContext, maxSeconds: number): CheckResult {
  const name = 'probe.maxResumeSeconds';
  const bound = `≤ ${maxSeconds} s`;
  const probes = recordsOf(ctx.records, 'probe');
  if (probes.length === 0) return notApplicable(name, bound, 'no probe records');
  const byPair = new Map<string, ProbeRecord[]>();
  for (const r of probes) byPair.set(pairOf(r), [...(byPair.get(pairOf(r)) ?? []), r]);
  const reverted = ctx.faults.filter((f) => f.reverted !== null && !otherFaultActiveAt(ctx.faults, f, f.reverted));
  if (reverted.length === 0) return notApplicable(name, bound, 'no fault was reverted');
  let worst = 0;
  let stuck = 0;
  const failures: string[] = [];
  const summaries: string[] = [];
  for (const f of reverted) {
    const R = f.reverted!;
    let slowest: { pair: string; ms: number } | undefined;
    for (const [pair, windows] of byPair) {
      const ms = resumeBoundMs(windows, R);
      if (ms === undefined) continue;
      if (ms === null) { stuck += 1; failures.push(`${pair} delivered nothing after heal of ${f.label} at ${clock(R)}`); continue; }
      if (ms > maxSeconds * 1000) failures.push(`${pair} delivered again ${secs(ms)} after heal of ${f.label}`);
      if (!slowest || ms > slowest.ms) slowest = { pair, ms };
      worst = Math.max(worst, ms);
    }
    if (slowest) summaries.push(`after heal of ${f.label}: every pair delivering within ${secs(slowest.ms)} (slowest ${slowest.pair})`);
  }
  const pass = failures.length === 0;
  const observed = stuck > 0 ? `${stuck} pair(s) never resumed` : secs(worst);
  return { name, bound, observed, observedValue: stuck > 0 ? null : worst / 1000, status: outcome(pass), evidence: cap([...failures, ...summaries]) };
}
