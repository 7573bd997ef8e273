// What a rollout's report.html plots over the whole rollout, as plain data: x in seconds since the
// rollout was created; every server's upgrade (and rollback move) and every stage's soak as a band;
// the servers on the target and the servers reachable as step lines; and the chaos report's own
// series (links, STATSZ, RSS, probe) cut from the rollout's timeline. Pure.
import type { RolloutState, ServerUpgrade } from '../rollout-model/index.ts';
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import type { ChartSpec } from './report-charts.ts';
import { gatewayCounts, probeSeries, rssMiB, statszPerSecond, type Band, type RunSeries, type Series } from './run-series.ts';

const round = (x: number): number => Number(x.toFixed(3));
const ms = (iso: string | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/** The rollout's x axis: 0 at its creation, to its last update or its last record, whichever is later. */
export interface RolloutClock { start: number; end: number; x: (t: number) => number }

export function rolloutClock(s: RolloutState, records: readonly TimelineRecord[]): RolloutClock {
  const start = Date.parse(s.createdAt);
  let end = Date.parse(s.updatedAt);
  for (const r of records) if (r.t > end) end = r.t;
  return { start, end, x: (t) => round((t - start) / 1000) };
}

/** Every upgrade of every stage, in order, then the rollback's moves. */
export function allUpgrades(s: RolloutState): ServerUpgrade[] {
  return [...s.stages.flatMap((st) => st.servers), ...(s.rollback?.servers ?? [])];
}

/**
 * The bands: `U<n>` for each server's upgrade (from its start to its end, or the end of the
 * rollout when it never ended), `B<n>` for stage n's baseline peer's restart (a canary compared
 * with a peer restarts both, so both start fresh; to the soak's start), `S<n>` for stage n's soak,
 * `R<n>` for each move back in the rollback. Upgrades not started are not drawn.
 */
export function rolloutBands(s: RolloutState, clock: RolloutClock): Band[] {
  const out: Band[] = [];
  let up = 0;
  s.stages.forEach((st, i) => {
    for (const u of st.servers) {
      const from = ms(u.startedAt);
      if (from === undefined) continue;
      up += 1;
      out.push({ key: `U${up}`, label: `stage ${i + 1} ${st.name}: ${u.server} ${u.from} → ${u.to}${u.step === 'done' ? '' : ` (${u.step})`}`, from: clock.x(from), to: clock.x(ms(u.endedAt) ?? clock.end), kind: 'fault' });
    }
    const peer = ms(st.baselinePeerRestartedAt);
    if (st.baselinePeer && peer !== undefined) {
      out.push({ key: `B${i + 1}`, label: `stage ${i + 1} ${st.name}: baseline peer ${st.baselinePeer} restarted with the canary (until the soak)`, from: clock.x(peer), to: clock.x(ms(st.soakStartedAt) ?? ms(st.endedAt) ?? clock.end), kind: 'fault' });
    }
    const soak = ms(st.soakStartedAt);
    if (soak !== undefined) out.push({ key: `S${i + 1}`, label: `stage ${i + 1} ${st.name}: soak`, from: clock.x(soak), to: clock.x(ms(st.soakEndedAt) ?? clock.end), kind: 'stage' });
  });
  let back = 0;
  for (const u of s.rollback?.servers ?? []) {
    const from = ms(u.startedAt);
    if (from === undefined) continue;
    back += 1;
    out.push({ key: `R${back}`, label: `rollback: ${u.server} ${u.from} → ${u.to}${u.step === 'done' ? '' : ` (${u.step})`}`, from: clock.x(from), to: clock.x(ms(u.endedAt) ?? clock.end), kind: 'fault' });
  }
  return out;
}

/** Servers running the target (from the upgrades that finished), as a step line. */
function onTarget(s: RolloutState, clock: RolloutClock): Series {
  const variant = new Map<string, string>();
  for (const u of allUpgrades(s)) variant.set(u.server, s.baseline);
  const moves = allUpgrades(s).filter((u) => u.step === 'done' && u.endedAt).sort((a, b) => Date.parse(a.endedAt!) - Date.parse(b.endedAt!));
  const count = (): number => [...variant.values()].filter((v) => v === s.target).length;
  const points: [number, number][] = [[0, count()]];
  for (const u of moves) {
    variant.set(u.server, u.to);
    points.push([clock.x(Date.parse(u.endedAt!)), count()]);
  }
  points.push([clock.x(clock.end), count()]);
  return { name: `on ${s.target}`, points };
}

/** Servers the observer reached (from its `server` records; every server it knows starts reachable). */
function reachable(records: readonly TimelineRecord[], clock: RolloutClock): Series {
  const names = new Set([...recordsOf(records, 'varz').map((r) => r.server), ...recordsOf(records, 'server').map((r) => r.server)]);
  const down = new Set<string>();
  const points: [number, number][] = [[0, names.size]];
  for (const r of recordsOf(records, 'server')) {
    if (r.state === 'unreachable') down.add(r.server);
    else down.delete(r.server);
    points.push([clock.x(Math.max(r.t, clock.start)), names.size - down.size]);
  }
  points.push([clock.x(clock.end), names.size - down.size]);
  return { name: 'reachable', points };
}

/** The rollout's timeline chart: servers on the target and servers reachable, with every band. */
export function timelineChart(s: RolloutState, records: readonly TimelineRecord[], clock: RolloutClock, bands: Band[]): ChartSpec {
  const lines = [onTarget(s, clock), reachable(records, clock)].map((l) => ({ ...l, group: l.name, dashed: false, step: true }));
  return {
    id: 'rollout-timeline', title: 'Rollout timeline: servers on the target, servers reachable', yName: 'servers', yLog: false,
    xMax: clock.x(clock.end), lines, runs: [], bands,
    note: 'U<n>: one server\'s upgrade, B<n>: stage n\'s baseline peer restarting, R<n>: a move back in the rollback (orange); S<n>: stage n\'s soak (blue); the list above names each.',
  };
}

/** The chaos report's series for the rollout's timeline, on the rollout's clock. */
export function rolloutRunSeries(records: readonly TimelineRecord[], clock: RolloutClock): RunSeries {
  return {
    start: clock.start,
    duration: clock.x(clock.end),
    bands: [],
    linksUp: gatewayCounts(records, 'up', clock.start, clock.end),
    linksHandshake: gatewayCounts(records, 'handshake', clock.start, clock.end),
    statszPerSecond: statszPerSecond(records, clock.start, clock.end),
    rssMiB: rssMiB(records, clock.start),
    ...probeSeries(records, clock.start),
  };
}
