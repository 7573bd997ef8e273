// recovery.maxSeconds and recovery.noneStuck, from `link` transitions and fault windows. Pure.
import { linkHistories as historiesOf, stateAt as current, type LinkHistory } from '../timeline/link-history.ts';
import type { JudgeContext } from './context.ts';
import { nextFaultAfter, otherFaultActiveAt } from './faults.ts';
import { cap, clock, notApplicable, secs, type CheckResult, outcome } from './result.ts';

const linkHistories = (ctx: JudgeContext): LinkHistory[] => historiesOf(ctx.records);

function notUpDuring(h: LinkHistory, from: number, to: number): boolean {
  const at = current(h, from);
  return (at !== undefined && at.state !== 'up') || h.transitions.some((x) => x.at > from && x.at <= to && x.state !== 'up');
}

const linkName = (h: LinkHistory): string => `${h.server} → ${h.peer} ${h.linkType}`;
const relative = (t: number, ref: number): string => (t >= ref ? `${secs(t - ref)} after` : `${secs(ref - t)} before`);

/** recovery.maxSeconds: each link that was not up during a fault is up again within the bound after its revert. */
export function checkRecovery(ctx: JudgeContext, maxSeconds: number): CheckResult {
  const name = 'recovery.maxSeconds';
  const bound = `≤ ${maxSeconds} s`;
  const histories = linkHistories(ctx);
  if (histories.length === 0) return notApplicable(name, bound, 'no link records');
  const evidence: string[] = [];
  const failures: string[] = [];
  let worst = 0;
  let judged = 0;
  let unrecovered = 0;
  for (const f of ctx.faults) {
    if (f.reverted === null) { evidence.push(`${f.label} was never reverted: recovery not judged`); continue; }
    const R = f.reverted;
    const later = otherFaultActiveAt(ctx.faults, f, R);
    if (later) {
      // A fault applied in the same millisecond as this revert touches it rather than overlapping.
      const how = later.applied === R ? `as ${later.label} was applied` : `while ${later.label} was still applied`;
      evidence.push(`${f.label} reverted ${how}: judged at that revert`);
      continue;
    }
    // Judge the link where it stands just before the step that applies the next fault (a restart
    // drops links before its `applied` record is written), or at the end of the run.
    const next = nextFaultAfter(ctx.faults, R);
    const horizon = next ? Math.max(R, next.begun) : ctx.runEnd;
    const where = next ? `at ${next.label} (${secs(horizon - R)} after heal)` : 'at end of run';
    const from = Math.min(f.applied, ...ctx.faults.filter((o) => o !== f && o.applied <= R && (o.reverted ?? Infinity) >= f.applied).map((o) => o.applied));
    for (const h of histories.filter((x) => notUpDuring(x, from, R))) {
      judged += 1;
      const last = current(h, horizon, next !== undefined);
      if (last?.state === 'up') {
        const ms = Math.max(0, last.at - R);
        worst = Math.max(worst, ms);
        const line = `${linkName(h)} up ${secs(ms)} after heal of ${f.label}`;
        (ms > maxSeconds * 1000 ? failures : evidence).push(line);
        continue;
      }
      // Not up at the horizon: a link that came up and dropped again still recovered once.
      const firstUp = h.transitions.find((x) => x.at >= R && x.at < horizon && x.state === 'up');
      if (firstUp) {
        const ms = firstUp.at - R;
        worst = Math.max(worst, ms);
        const line = `${linkName(h)} up ${secs(ms)} after heal of ${f.label}, then ${last?.state ?? 'unknown'} again ${where}`;
        (ms > maxSeconds * 1000 ? failures : evidence).push(line);
        continue;
      }
      unrecovered += 1;
      failures.push(`${linkName(h)} in ${last?.state ?? 'unknown state'} since ${relative(last?.at ?? R, R)} heal of ${f.label}, still ${where}`);
    }
  }
  if (judged === 0) {
    return notApplicable(name, bound, ctx.faults.length === 0 ? 'no faults in the run' : 'no link left `up` during any fault');
  }
  const pass = failures.length === 0;
  const observed = unrecovered > 0 ? `${unrecovered} link(s) not recovered` : secs(worst);
  const recovered = judged - unrecovered;
  const summary = `${judged} link outage(s) judged, ${recovered} back up` + (recovered > 0 ? `, slowest in ${secs(worst)}` : '');
  return { name, bound, observed, observedValue: unrecovered > 0 ? null : worst / 1000, status: outcome(pass), evidence: cap([...failures, summary, ...(pass ? evidence : [])]) };
}

/**
 * recovery.noneStuck: no link is down or in handshake through the final `windowSeconds` of the run
 * (one late sample cannot fail a healthy run). No link records at all fails.
 */
export function checkNoneStuck(ctx: JudgeContext, windowSeconds: number): CheckResult {
  const name = 'recovery.noneStuck';
  const bound = `no link down or in handshake through the last ${windowSeconds} s`;
  const histories = linkHistories(ctx);
  if (histories.length === 0) {
    return { name, bound, observed: 'no link records', observedValue: null, status: 'fail', evidence: ['no link records at all: a run that saw no links proves nothing'] };
  }
  const windowStart = ctx.runEnd - windowSeconds * 1000;
  const lastRevert = Math.max(...ctx.faults.map((f) => f.reverted ?? -Infinity));
  const heal = ctx.faults.filter((f) => f.reverted !== null && f.reverted <= ctx.runEnd).sort((a, b) => b.reverted! - a.reverted!)[0];
  const stuck: string[] = [];
  const late: string[] = [];
  for (const h of histories) {
    const last = h.transitions[h.transitions.length - 1]!;
    if (last.state === 'up') continue;
    if (last.at > windowStart) {
      late.push(`${linkName(h)} ${last.state} only for the last ${secs(ctx.runEnd - last.at)}: inside the final window, not judged stuck`);
      continue;
    }
    const why = heal ? ` (${relative(last.at, heal.reverted!)} heal of ${heal.label})` : '';
    stuck.push(`${linkName(h)} in ${last.state} since ${clock(last.at)}, ${secs(ctx.runEnd - last.at)} before end of run${why}`);
  }
  const pass = stuck.length === 0;
  const summary = `${histories.length} link(s) seen, ${stuck.length} not up through the last ${windowSeconds} s${Number.isFinite(lastRevert) ? `, which began ${secs(Math.max(0, windowStart - lastRevert))} after the last heal` : ''}`;
  return { name, bound, observed: `${stuck.length} stuck`, observedValue: stuck.length, status: outcome(pass), evidence: cap([...stuck, ...late, summary]) };
}
