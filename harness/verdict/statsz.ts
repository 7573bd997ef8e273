// statsz.maxPerServerPerSecond and statsz.maxExcessPerRestart, from `statsz` records (one per
// sending server ID per second, with each message's receive offset). Pure. Each subscription
// (`observedOn`) sees every message on its own, so subscriptions are never summed: the one that saw
// the most is taken.
import { recordsOf, type StatszRecord } from '../timeline/records.ts';
import { slidingPeak, statszTimes } from '../timeline/statsz-times.ts';
import type { JudgeContext } from './context.ts';
import { RESTART_FAULTS, type FaultWindow } from './faults.ts';
import { bytes, cap, clock, notApplicable, outcome, secs, type CheckResult } from './result.ts';

interface Sender { observedOn: string; serverId: string; serverName: string; times: number[]; bytes: number[] }

/** Receive times of every message, per subscription and sending server ID, sorted. */
export function senders(records: readonly StatszRecord[]): Sender[] {
  const by = new Map<string, Sender>();
  for (const r of records) {
    const key = `${r.observedOn}|${r.serverId}`;
    const s = by.get(key) ?? { observedOn: r.observedOn, serverId: r.serverId, serverName: r.serverName, times: [], bytes: [] };
    for (const t of statszTimes(r)) { s.times.push(t); s.bytes.push(r.bytes / r.msgs); }
    by.set(key, s);
  }
  for (const s of by.values()) {
    const order = s.times.map((t, i) => i).sort((a, b) => s.times[a]! - s.times[b]!);
    s.times = order.map((i) => s.times[i]!);
    s.bytes = order.map((i) => s.bytes[i]!);
  }
  return [...by.values()];
}

const id8 = (id: string): string => id.slice(0, 8);

export function checkStatszPerSecond(ctx: JudgeContext, max: number): CheckResult {
  const name = 'statsz.maxPerServerPerSecond';
  const bound = `≤ ${max} msgs in any 1 s per server`;
  const all = senders(recordsOf(ctx.records, 'statsz'));
  if (all.length === 0) return notApplicable(name, bound, 'the STATSZ subscription saw no message');
  const from = ctx.firstStepAt;
  const peaks = all.map((s) => ({ s, judged: slidingPeak(s.times.filter((t) => t >= from), 1000), boot: slidingPeak(s.times.filter((t) => t < from), 1000) }));
  const line = (s: Sender, p: { peak: number; at: number }): string =>
    `${s.serverName} [${id8(s.serverId)}] sent ${p.peak} STATSZ in the 1 s from ${clock(p.at, true)}`;
  const judged = peaks.filter((p) => p.judged.peak > 0).sort((a, b) => b.judged.peak - a.judged.peak || a.judged.at - b.judged.at);
  const boot = [...peaks].sort((a, b) => b.boot.peak - a.boot.peak)[0]!;
  const bootLine = boot.boot.peak > 0 ? [`boot (before the first step, not judged): ${line(boot.s, boot.boot)}`] : [];
  if (judged.length === 0) return { ...notApplicable(name, bound, 'no STATSZ after the first step'), evidence: [`n/a: no STATSZ after the first step`, ...bootLine] };
  const worst = judged[0]!;
  const over = judged.filter((p) => p.judged.peak > max);
  const pass = over.length === 0;
  const evidence = pass ? [`highest: ${line(worst.s, worst.judged)}`] : cap(over.map((p) => line(p.s, p.judged)));
  return { name, bound, observed: `${worst.judged.peak} msgs/s`, observedValue: worst.judged.peak, status: outcome(pass), evidence: [...evidence, ...bootLine] };
}

interface Tally { msgs: number; bytes: number }
const tally = (ss: readonly Sender[], from: number, to: number): Tally => {
  let msgs = 0;
  let b = 0;
  for (const s of ss) s.times.forEach((t, i) => { if (t >= from && t < to) { msgs += 1; b += s.bytes[i]!; } });
  return { msgs, bytes: b };
};

export interface RestartWindow { f: FaultWindow; from: number; to: number; servers: string[] }

/**
 * [from, to) of each restart fault: from the step that began it (a killed server: from when it is
 * back), until `windowMs` after the last of its servers was seen back with a new ID, cut at the
 * next restart. `servers`: those seen restarting in it, else the fault's targets.
 */
export function restartWindows(ctx: JudgeContext, windowMs: number): RestartWindow[] {
  const restarts = ctx.faults.filter((f) => RESTART_FAULTS.includes(f.fault)).sort((a, b) => a.begun - b.begun);
  const seen = recordsOf(ctx.records, 'server').filter((r) => r.state === 'restarted');
  return restarts.map((f, i) => {
    const from = f.fault === 'kill' && f.reverted !== null ? f.reverted : f.begun;
    const cut = Math.min(restarts[i + 1]?.begun ?? Infinity, ctx.runEnd);
    const back = seen.filter((r) => r.t >= from && r.t < cut);
    const last = Math.max(from, ...back.map((r) => r.t));
    const names = [...new Set(back.map((r) => r.server))];
    return { f, from, to: Math.min(last + windowMs, cut), servers: names.length > 0 ? names : f.targets };
  });
}

/**
 * statsz.maxExcessPerRestart: for each restart, what each server sent in the window after it, less
 * what that server sends in the same time when nothing restarts (its rate over the judged run
 * outside every restart window), attributed to the restarted servers and to their peers. The bound
 * holds for every one server: the storm is a restarted server's broadcast per remote server it
 * discovers (one restart) and every peer's broadcast per new server ID it sees (many at once).
 */
export function checkStatszExcessPerRestart(ctx: JudgeContext, max: number, windowSeconds: number): CheckResult {
  const name = 'statsz.maxExcessPerRestart';
  const bound = `≤ ${max} msgs above baseline in ${windowSeconds} s from any one server`;
  const windows = restartWindows(ctx, windowSeconds * 1000);
  if (windows.length === 0) return notApplicable(name, bound, 'no restart, kill or upgrade fault in the run');
  const records = recordsOf(ctx.records, 'statsz');
  if (records.length === 0) return notApplicable(name, bound, `${windows.length} restart(s) but the STATSZ subscription saw no message`);
  const quietMs = Math.max(1, ctx.runEnd - ctx.firstStepAt - windows.reduce((n, w) => n + (w.to - w.from), 0));
  const quietRate = (ss: readonly Sender[]): number => {
    const inWindows = windows.reduce((n, w) => n + tally(ss, w.from, w.to).msgs, 0);
    return Math.max(0, tally(ss, ctx.firstStepAt, ctx.runEnd).msgs - inWindows) / quietMs;
  };
  // Per subscription: every sending server by name (a restart changes the ID, not the name).
  const byObserver = [...new Set(records.map((r) => r.observedOn))].map((o) => {
    const byName = new Map<string, Sender[]>();
    for (const s of senders(records.filter((r) => r.observedOn === o))) byName.set(s.serverName, [...(byName.get(s.serverName) ?? []), s]);
    // Each server's quiet rate, once: it is the same for every restart window.
    return { o, byName: [...byName].map(([server, ss]) => ({ server, ss, rate: quietRate(ss) })) };
  });
  let worst = 0;
  const lines: { excess: number; text: string }[] = [];
  for (const w of windows) {
    const len = w.to - w.from;
    const judged = byObserver.map(({ o, byName }) => {
      const servers = byName.map(({ server, ss, rate }) => {
        const t = tally(ss, w.from, w.to);
        return { server, ...t, excess: Math.max(0, Math.round(t.msgs - rate * len)), restarted: w.servers.includes(server) };
      }).sort((a, b) => b.excess - a.excess || a.server.localeCompare(b.server));
      return { o, servers, total: servers.reduce((n, x) => n + x.excess, 0) };
    }).sort((a, b) => b.total - a.total)[0]!; // the subscription that saw the most
    const top = judged.servers[0];
    worst = Math.max(worst, top?.excess ?? 0);
    const restarted = judged.servers.filter((x) => x.restarted);
    const peers = judged.servers.filter((x) => !x.restarted);
    const sum = (xs: typeof peers) => ({ msgs: xs.reduce((n, x) => n + x.msgs, 0), bytes: xs.reduce((n, x) => n + x.bytes, 0), excess: xs.reduce((n, x) => n + x.excess, 0) });
    const p = sum(peers);
    const who = (x: (typeof peers)[number]) => `${x.server} sent ${x.msgs} (${x.excess} above its baseline)`;
    lines.push({
      excess: top?.excess ?? 0,
      text: `${w.f.label} at ${clock(w.from)}, ${secs(len)}: restarted ${restarted.map(who).join(', ') || 'servers sent nothing seen'}; `
        + `peers ${p.msgs} STATSZ (${bytes(Math.round(p.bytes))}), ${p.excess} above baseline${peers[0] ? `, most ${who(peers[0])}` : ''} (seen on ${judged.o})`,
    });
  }
  const pass = worst <= max;
  return { name, bound, observed: `${worst} msgs`, observedValue: worst, status: outcome(pass), evidence: cap(lines.sort((a, b) => b.excess - a.excess).map((l) => l.text)) };
}
