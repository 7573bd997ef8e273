// statsz.maxPerServerPerSecond and statsz.maxBytesPerRestart, from `statsz` and `statsz-burst`
// records. Pure. A restart changes a server's ID, not its name, so counts are per name. Each
// subscription (`observedOn`) sees every message on its own, so subscriptions are never summed.
import { recordsOf } from '../timeline/records.ts';
import type { JudgeContext } from './context.ts';
import { RESTART_FAULTS } from './faults.ts';
import { bytes, cap, clock, notApplicable, type ThresholdResult } from './result.ts';

interface SecondCount { serverName: string; second: number; msgs: number; ids: Set<string> }

export function perServerSecond(ctx: JudgeContext): SecondCount[] {
  const byKey = new Map<string, SecondCount>();
  for (const r of recordsOf(ctx.records, 'statsz')) {
    const key = `${r.observedOn}|${r.second}|${r.serverName}`;
    const c = byKey.get(key) ?? { serverName: r.serverName, second: r.second, msgs: 0, ids: new Set<string>() };
    c.msgs += r.msgs;
    c.ids.add(r.serverId);
    byKey.set(key, c);
  }
  return [...byKey.values()];
}

function burstLines(ctx: JudgeContext): string[] {
  const bursts = recordsOf(ctx.records, 'statsz-burst').sort((a, b) => b.peak - a.peak || a.first - b.first);
  const lines = bursts.map((b) => `burst: ${b.serverName} [${b.serverId.slice(0, 8)}] ${b.msgs} STATSZ (${bytes(b.bytes)}) in ${b.last - b.first} ms, peak ${b.peak} per ${b.windowMs} ms, at ${clock(b.first, true)}`);
  return cap(lines, 5);
}

export function checkStatszPerSecond(ctx: JudgeContext, max: number): ThresholdResult {
  const name = 'statsz.maxPerServerPerSecond';
  const bound = `≤ ${max} msgs/s per server`;
  const counts = perServerSecond(ctx);
  if (counts.length === 0) return notApplicable(name, bound, 'no statsz records');
  const line = (c: SecondCount): string =>
    `${c.serverName} sent ${c.msgs} STATSZ in second ${clock(c.second)}${c.ids.size > 1 ? ` (from ${c.ids.size} server IDs)` : ''}`;
  const sorted = [...counts].sort((a, b) => b.msgs - a.msgs || a.second - b.second);
  const worst = sorted[0]!;
  const over = sorted.filter((c) => c.msgs > max);
  const pass = over.length === 0;
  const evidence = pass ? [`highest: ${line(worst)}`] : cap(over.map(line));
  return { name, bound, observed: `${worst.msgs} msgs/s`, observedValue: worst.msgs, pass, evidence: [...evidence, ...burstLines(ctx)] };
}

export function checkStatszBytesPerRestart(ctx: JudgeContext, max: number, windowSeconds: number): ThresholdResult {
  const name = 'statsz.maxBytesPerRestart';
  const bound = `≤ ${bytes(max)} per restarted server`;
  const restarts = ctx.faults.filter((f) => RESTART_FAULTS.includes(f.fault));
  if (restarts.length === 0) return notApplicable(name, bound, 'no restart, kill or upgrade fault in the run');
  const statsz = recordsOf(ctx.records, 'statsz');
  if (statsz.length === 0) return notApplicable(name, bound, `${restarts.length} restart(s) but no statsz records`);
  const restarted = recordsOf(ctx.records, 'server').filter((r) => r.state === 'restarted');
  let worst = 0;
  const lines: { perServer: number; text: string }[] = [];
  for (const f of restarts) {
    // From the step that applied it (a restart may be over before `applied` is written); a killed
    // server comes back at the revert, so the window runs to `windowSeconds` after that.
    const from = Math.floor(f.begun / 1000) * 1000;
    const to = Math.max(f.applied, f.reverted ?? f.applied) + windowSeconds * 1000;
    const perObserver = new Map<string, number>();
    for (const r of statsz) if (r.second >= from && r.second < to) perObserver.set(r.observedOn, (perObserver.get(r.observedOn) ?? 0) + r.bytes);
    const total = Math.max(0, ...perObserver.values());
    // Servers seen coming back with a new ID in the window; the fault's targets when none were seen
    // (an upgrade may target a region, not a server).
    const seen = new Set(restarted.filter((r) => r.t >= from && r.t < to).map((r) => r.server));
    const servers = Math.max(1, seen.size > 0 ? seen.size : f.targets.length);
    const perServer = total / servers;
    worst = Math.max(worst, perServer);
    lines.push({ perServer, text: `${f.label} at ${clock(f.applied)}: ${bytes(total)} STATSZ in ${Math.round((to - from) / 1000)} s, ${servers} server(s) → ${bytes(Math.round(perServer))} per restart` });
  }
  const pass = worst <= max;
  const evidence = lines.sort((a, b) => b.perServer - a.perServer).map((l) => l.text);
  return { name, bound, observed: bytes(Math.round(worst)), observedValue: Math.round(worst), pass, evidence: cap(evidence) };
}
