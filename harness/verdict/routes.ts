// routes.poolComplete and routes.maxConnectsPerSecond, from `route-pool` and `connects` records. Pure.
import { recordsOf, type ConnectsRecord, type RoutePoolRecord } from '../timeline/records.ts';
import type { JudgeContext } from './context.ts';
import { cap, clock, notApplicable, outcome, secs, type CheckResult } from './result.ts';

type PoolPeer = RoutePoolRecord['peers'][number];

/** What a peer's pool lacks, by the server's own expectation; empty when complete. */
export function missingSlots(r: RoutePoolRecord, p: PoolPeer): string[] {
  const out: string[] = [];
  if (p.pooled < r.poolSize) out.push(`${p.pooled} of ${r.poolSize} pooled routes`);
  // Pinned: the configured ones, and any account another peer of this server has a route for.
  const accounts = new Set([...r.pinned, ...r.peers.flatMap((x) => x.accounts)]);
  for (const a of [...accounts].sort()) if (!p.accounts.includes(a)) out.push(`no route pinned to account ${a}`);
  return out;
}

/** The newest process of each server that is still reachable at the end, with its records in order. */
function liveProcesses(ctx: JudgeContext): { server: string; records: RoutePoolRecord[] }[] {
  const pools = recordsOf(ctx.records, 'route-pool');
  const lastState = new Map<string, string>();
  for (const s of recordsOf(ctx.records, 'server').sort((a, b) => a.t - b.t)) lastState.set(s.server, s.state);
  const byServer = new Map<string, RoutePoolRecord[]>();
  for (const r of pools) byServer.set(r.server, [...(byServer.get(r.server) ?? []), r]);
  const out: { server: string; records: RoutePoolRecord[] }[] = [];
  for (const [server, rs] of byServer) {
    if (lastState.get(server) === 'unreachable') continue;
    const sorted = rs.sort((a, b) => a.t - b.t);
    const id = sorted[sorted.length - 1]!.serverId;
    out.push({ server, records: sorted.filter((r) => r.serverId === id) });
  }
  return out.sort((a, b) => a.server.localeCompare(b.server));
}

/**
 * routes.poolComplete: every pair of live servers holds its full route pool through the final
 * `windowSeconds` of the run. A pair fails when a peer the server lists at the end of the run was
 * short of a slot in every sample of the window (and already at its start): one late reconnect
 * does not fail a run, a slot that stays missing does. A peer not listed at all is a route that is
 * down: recovery.noneStuck's to judge.
 */
export function checkPoolComplete(ctx: JudgeContext, windowSeconds: number): CheckResult {
  const name = 'routes.poolComplete';
  const bound = `every route pool complete at some sample of the last ${windowSeconds} s`;
  const procs = liveProcesses(ctx);
  if (procs.length === 0) return notApplicable(name, bound, 'no route-pool records (no /routez samples)');
  const windowStart = ctx.runEnd - windowSeconds * 1000;
  const short: string[] = [];
  const late: string[] = [];
  let pairs = 0;
  for (const { server, records } of procs) {
    const atStart = [...records].reverse().find((r) => r.t <= windowStart);
    const last = records[records.length - 1]!;
    if (!atStart) {
      late.push(`${server}: its process was first sampled ${secs(ctx.runEnd - records[0]!.t)} before the end, inside the final window: not judged`);
      continue;
    }
    const inWindow = [atStart, ...records.filter((r) => r.t > windowStart)];
    for (const peer of last.peers) {
      pairs += 1;
      const seen = inWindow.map((r) => ({ r, p: r.peers.find((x) => x.peerId === peer.peerId) }));
      if (seen.some(({ r, p }) => p !== undefined && missingSlots(r, p).length === 0)) continue;
      if (seen[0]!.p === undefined) {
        late.push(`${server} → ${peer.peer}: peer first listed inside the final window, short then (${missingSlots(last, peer).join(', ')}): not judged`);
        continue;
      }
      const since = [...records].reverse().find((r, i, all) => {
        const p = r.peers.find((x) => x.peerId === peer.peerId);
        const prev = all[i + 1]?.peers.find((x) => x.peerId === peer.peerId);
        return p !== undefined && missingSlots(r, p).length > 0 && (prev === undefined || missingSlots(all[i + 1]!, prev).length === 0);
      });
      const t = since?.t ?? atStart.t;
      short.push(`${server} → ${peer.peer}: ${missingSlots(last, peer).join(', ')} since ${clock(t)} (${secs(ctx.runEnd - t)} before end of run)`);
    }
  }
  const pass = short.length === 0;
  const summary = `${pairs} route pool(s) judged over ${procs.length} server(s), ${short.length} short through the last ${windowSeconds} s`;
  return { name, bound, observed: `${short.length} incomplete`, observedValue: short.length, status: outcome(pass), evidence: cap([...short, summary, ...late]) };
}

/**
 * routes.maxConnectsPerSecond: most route and gateway connections one server created in one second
 * of its log, from the first step on (boot creates every pool at once and is not judged).
 */
export function checkMaxConnects(ctx: JudgeContext, maxPerSecond: number): CheckResult {
  const name = 'routes.maxConnectsPerSecond';
  const bound = `≤ ${maxPerSecond} per server per second`;
  const all = recordsOf(ctx.records, 'connects');
  if (all.length === 0) return notApplicable(name, bound, 'no connects records (server logs were not read)');
  const from = Math.floor(ctx.firstStepAt / 1000) * 1000;
  const judged = all.filter((c) => c.second >= from && c.second < ctx.runEnd);
  const total = (c: ConnectsRecord): number => c.routes + c.gateways;
  const worst = [...judged].sort((a, b) => total(b) - total(a) || a.second - b.second);
  const peak = worst[0] ? total(worst[0]) : 0;
  const over = worst.filter((c) => total(c) > maxPerSecond);
  const servers = new Set(over.map((c) => c.server));
  const line = (c: ConnectsRecord): string => `${c.server}: ${c.routes} route and ${c.gateways} gateway connection(s) created in second ${clock(c.second)}`;
  const sum = judged.reduce((n, c) => n + total(c), 0);
  const summary = `${sum} connection(s) created after the first step by ${new Set(judged.map((c) => c.server)).size} server(s)` +
    (over.length ? `; ${over.length} second(s) over the bound on ${[...servers].sort().join(', ')}` : '');
  const pass = over.length === 0;
  return {
    name, bound, observed: `${peak}/s`, observedValue: peak, status: outcome(pass),
    evidence: cap([...(pass ? worst.slice(0, 3) : over).map(line), summary]),
  };
}
