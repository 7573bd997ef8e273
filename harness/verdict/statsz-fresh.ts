// statsz.fresh: a limit must delay, never lose. Once membership has settled, every live server's
// newest STATSZ agrees with what its own /routez says (the servers it routes to) and with the
// servers alive (`active_servers`). Pure.
import { recordsOf, type RoutePoolRecord, type StatszContentRecord } from '../timeline/records.ts';
import type { JudgeContext } from './context.ts';
import { cap, clock, notApplicable, outcome, secs, type CheckResult } from './result.ts';

const peersOf = (r: RoutePoolRecord): string => [...new Set(r.peers.map((p) => p.peer))].sort().join(',');

/**
 * Judged at the end of every step and of the run (T): a server counts when what its STATSZ should
 * say had held for more than `boundSeconds` at T: its route peers (its /routez, as `route-pool`
 * records hold it) and the number of live servers (no `server` change since). It fails when its
 * newest STATSZ received by T still says otherwise.
 */
export function checkStatszFresh(ctx: JudgeContext, boundSeconds: number): CheckResult {
  const name = 'statsz.fresh';
  const bound = `newest STATSZ agrees with /routez and the live servers within ${boundSeconds} s of each change`;
  const said = recordsOf(ctx.records, 'statsz-content').sort((a, b) => a.t - b.t);
  if (said.length === 0) return notApplicable(name, bound, 'no STATSZ content records');
  const pools = recordsOf(ctx.records, 'route-pool').sort((a, b) => a.t - b.t);
  const servers = recordsOf(ctx.records, 'server').sort((a, b) => a.t - b.t);
  const runRec = recordsOf(ctx.records, 'run').find((r) => r.phase === 'start');
  const names = runRec?.servers.length ? runRec.servers.map((s) => s.name) : [...new Set(pools.map((p) => p.server))].sort();
  const instants = [...new Set([...recordsOf(ctx.records, 'step').filter((r) => r.phase === 'end').map((r) => r.t), ctx.runEnd])].sort((a, b) => a - b);
  const stale: string[] = [];
  const late: string[] = [];
  let judged = 0;
  for (const T of instants) {
    const before = servers.filter((s) => s.t <= T);
    const lastState = new Map<string, string>();
    for (const s of before) lastState.set(s.server, s.state);
    const live = names.filter((n) => lastState.get(n) !== 'unreachable');
    // The last time any server came, went or restarted: active_servers may change then.
    const membershipAt = Math.max(ctx.runStart, ...before.map((s) => s.t));
    for (const server of live) {
      const mine = pools.filter((p) => p.server === server && p.t <= T);
      const last = mine[mine.length - 1];
      if (!last) continue;
      const own = mine.filter((p) => p.serverId === last.serverId);
      const truth = peersOf(last);
      // When its route peers last became what they are at T.
      let since = own[0]!.t;
      for (let i = own.length - 1; i > 0; i--) if (peersOf(own[i - 1]!) !== truth) { since = own[i]!.t; break; }
      const settledAt = Math.max(since, membershipAt);
      if (T - settledAt <= boundSeconds * 1000) {
        if (T === ctx.runEnd) late.push(`${server}: settled ${secs(T - settledAt)} before the end of the run: not judged there`);
        continue;
      }
      judged += 1;
      const newest: StatszContentRecord | undefined = said.filter((x) => x.serverId === last.serverId && x.t <= T).pop();
      if (newest !== undefined && newest.routePeers.join(',') === truth && newest.activeServers === live.length) continue;
      const what = newest
        ? `newest STATSZ (${clock(newest.t)}) says routes to ${newest.routePeers.join(',') || 'nobody'} and ${newest.activeServers} active server(s)`
        : 'no STATSZ from its current process';
      stale.push(`at ${clock(T)} ${server}: ${what}; its /routez lists ${truth || 'nobody'} and ${live.length} server(s) are alive, settled ${secs(T - settledAt)} before`);
    }
  }
  if (judged === 0) return notApplicable(name, bound, 'no server had settled for the bound at any step end');
  const pass = stale.length === 0;
  const summary = `${judged} server state(s) judged at ${instants.length} step end(s), ${stale.length} with a stale newest STATSZ`;
  return { name, bound, observed: `${stale.length} stale`, observedValue: stale.length, status: outcome(pass), evidence: cap([...stale, summary, ...late]) };
}
