// What the HTML report plots, reduced from one run's timeline: plain JSON, x in seconds since the
// run started (so two runs of one scenario line up when overlaid). Pure.
import { groupBy } from '../../core/collections.ts';
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import { judgeContext } from '../verdict/context.ts';
// Link state over time comes from the verdict's own reducer (one fact, one place); it moves to
// harness/timeline/link-history.ts when that lands.
import { linkHistories } from '../timeline/link-history.ts';

/** One line: `[x seconds, y]`, y null for a gap. */
export interface Series { name: string; points: [number, number | null][] }

/** A shaded stretch of the x axis: a fault window (or, for a rollout, a stage). */
export interface Band {
  /** What the band is: `packet-loss gw-lhr-1, gw-lhr-2`. */
  label: string;
  /** What the chart writes on it (`F1`), the page lists `F1: <label>`; the label itself when absent. */
  key?: string;
  from: number; to: number; kind: 'fault' | 'stage';
}

export interface RunSeries {
  /** ms epoch of x = 0. */
  start: number;
  /** Seconds from start to the end of the run. */
  duration: number;
  bands: Band[];
  linksUp: Series[];
  linksHandshake: Series[];
  statszPerSecond: Series[];
  rssMiB: Series[];
  probeDelivered: Series[];
  probeLost: Series[];
  probeP99Ms: Series[];
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));
const byName = <T extends { name: string }>(a: T, b: T): number => a.name.localeCompare(b.name);

/**
 * Per directed region pair (`iad→lhr`: the outbound gateways of iad's servers towards lhr), how
 * many are in `state`, as a step line: a point at each change and one at the end.
 */
export function gatewayCounts(records: readonly TimelineRecord[], state: 'up' | 'handshake', start: number, end: number): Series[] {
  const regionOf = new Map(recordsOf(records, 'link').map((r) => [r.server, r.region]));
  const gateways = linkHistories(records).filter((h) => h.linkType === 'gateway');
  const pairs = groupBy(gateways, (h) => `${regionOf.get(h.server) ?? '?'}→${h.peer}`);
  return [...pairs].map(([name, hs]) => {
    // From the observer's first look at the pair (before it, the state is unknown), to the end.
    const times = [...new Set([...hs.flatMap((h) => h.transitions.map((x) => x.at)), end])].filter((t) => t <= end).sort((a, b) => a - b);
    const points = times.map((t): [number, number] => {
      const n = hs.filter((h) => h.transitions.filter((x) => x.at <= t).pop()?.state === state).length;
      return [round((t - start) / 1000), n];
    });
    return { name, points };
  }).sort(byName);
}

/** STATSZ messages each server sent per wall-clock second (seconds with none are 0). */
export function statszPerSecond(records: readonly TimelineRecord[], start: number, end: number): Series[] {
  const first = Math.floor(start / 1000) * 1000;
  const bySecond = new Map<string, Map<number, number>>();
  for (const r of recordsOf(records, 'statsz')) {
    const m = bySecond.get(r.serverName) ?? new Map<number, number>();
    m.set(r.second, (m.get(r.second) ?? 0) + r.msgs);
    bySecond.set(r.serverName, m);
  }
  return [...bySecond].map(([name, m]) => {
    const points: [number, number][] = [];
    for (let s = first; s <= end; s += 1000) points.push([round((s - start) / 1000), m.get(s) ?? 0]);
    return { name, points };
  }).sort(byName);
}

/** RSS per server (the process's own figure when the backend gives one, else /varz `mem`), MiB. */
export function rssMiB(records: readonly TimelineRecord[], start: number): Series[] {
  return [...groupBy(recordsOf(records, 'varz'), (r) => r.server)].map(([name, rs]) => ({
    name,
    points: rs.map((r): [number, number] => [round((r.t - start) / 1000), round((r.procRssBytes ?? r.rssBytes) / 2 ** 20, 1)]),
  })).sort(byName);
}

/** Probe per region pair, one point per window at its end: delivered msgs/s, lost, p99 latency (ms). */
export function probeSeries(records: readonly TimelineRecord[], start: number): Pick<RunSeries, 'probeDelivered' | 'probeLost' | 'probeP99Ms'> {
  const pairs = [...groupBy(recordsOf(records, 'probe'), (r) => `${r.from}→${r.to}`)].sort(([a], [b]) => a.localeCompare(b));
  const x = (t: number): number => round((t - start) / 1000);
  return {
    probeDelivered: pairs.map(([name, rs]) => ({
      name, points: rs.map((r): [number, number] => [x(r.windowEnd), round(r.delivered / Math.max(0.001, (r.windowEnd - r.windowStart) / 1000), 1)]),
    })),
    probeLost: pairs.map(([name, rs]) => ({ name, points: rs.map((r): [number, number] => [x(r.windowEnd), r.lost]) })),
    probeP99Ms: pairs.map(([name, rs]) => ({ name, points: rs.map((r): [number, number | null] => [x(r.windowEnd), r.latencyMs ? round(r.latencyMs.p99) : null]) })),
  };
}

/** Everything the report plots for one run. */
export function runSeries(records: readonly TimelineRecord[]): RunSeries {
  const ctx = judgeContext(records);
  const start = ctx.runStart;
  const end = ctx.runEnd;
  const bands = ctx.faults.map((f, i): Band => ({
    // From when its step began: a restart's storm comes before the `applied` record is written.
    label: f.label, key: `F${i + 1}`, from: round((f.begun - start) / 1000), to: round(((f.reverted ?? end) - start) / 1000), kind: 'fault',
  }));
  return {
    start,
    duration: round((end - start) / 1000),
    bands,
    linksUp: gatewayCounts(records, 'up', start, end),
    linksHandshake: gatewayCounts(records, 'handshake', start, end),
    statszPerSecond: statszPerSecond(records, start, end),
    rssMiB: rssMiB(records, start),
    ...probeSeries(records, start),
  };
}
