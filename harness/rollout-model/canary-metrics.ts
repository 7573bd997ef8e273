// The metrics a canary is compared on, one entry each: which way a shift hurts, how its per-server
// samples are cut from the timeline, and how its chart is titled. The judge, the state's metric
// list, the playbook's allowed names and defaults, and the report's charts all read this table, so
// a new metric is one entry here (see canary-metrics.test.ts, which adds one).
import type { TimelineRecord, VarzRecord } from '../timeline/records.ts';

/** Which shift of the canary against the baseline counts as harm. */
export type Harm = 'higher' | 'lower' | 'either';
export const HARMS: readonly Harm[] = ['higher', 'lower', 'either'];

/** One sample of a server's series: when (ms) and what. */
export interface Sample {
  t: number;
  v: number;
}

/** What an extraction is given: the whole timeline, one server, the window [from, to] (ms). */
export interface ServerWindow {
  records: readonly TimelineRecord[];
  server: string;
  from: number;
  to: number;
}

export interface CanaryMetric {
  harm: Harm;
  unit: string;
  description: string;
  /** The server's samples in the window, in time order. */
  samples(w: ServerWindow): Sample[];
  /** Charted in the rollout report (title and y axis); absent: judged, not charted. */
  chart?: { title: string; yName: string };
}

const MIB = 1024 * 1024;

/** The server's /varz samples in the window that carry a delta (the first sample after a start does not). */
function varzIn(w: ServerWindow): VarzRecord[] {
  return w.records.filter((r): r is VarzRecord => r.kind === 'varz' && r.server === w.server && r.intervalMs > 0 && r.t >= w.from && r.t <= w.to);
}

/** STATSZ messages per whole second of the window, 0 for a second with none. */
function statszPerSecond(w: ServerWindow): Sample[] {
  const secs = new Map<number, number>();
  for (let s = Math.ceil(w.from / 1000) * 1000; s + 1000 <= w.to; s += 1000) secs.set(s, 0);
  for (const r of w.records) {
    if (r.kind === 'statsz' && r.serverName === w.server && r.t >= w.from && r.t <= w.to && secs.has(r.second)) secs.set(r.second, secs.get(r.second)! + r.msgs);
  }
  return [...secs].map(([t, v]) => ({ t, v }));
}

/** Per /varz sample, the server's routes and gateways that came back up since its previous sample. */
function reconnectsPerSample(w: ServerWindow): Sample[] {
  const ups = w.records.filter((r) => r.kind === 'link' && r.server === w.server && r.state === 'up' && r.previous !== null && r.previous !== 'up').map((r) => r.t);
  let last = w.from;
  return varzIn(w).map((r) => {
    const v = ups.filter((t) => t > last && t <= r.t).length;
    last = r.t;
    return { t: r.t, v };
  });
}

/**
 * Not offered: the log-stream probe measures region pairs, not servers, so `probe.latency` has no
 * per-server samples (it was listed once and never had any).
 */
export const NOT_CANARY_METRICS: Readonly<Record<string, string>> = {
  'probe.latency': 'the log-stream probe measures region pairs, not servers, so it has no per-server samples to compare',
};

export const CANARY_METRICS = {
  'statsz.rate': {
    harm: 'higher', unit: 'msgs/s', description: 'STATSZ messages the server sends per second (whole seconds)',
    samples: statszPerSecond, chart: { title: 'STATSZ per second', yName: 'msgs/s' },
  },
  rss: {
    harm: 'higher', unit: 'MiB', description: 'resident memory of the server process (/varz rss)',
    samples: (w) => varzIn(w).map((r) => ({ t: r.t, v: r.rssBytes / MIB })), chart: { title: 'RSS (/varz mem)', yName: 'MiB' },
  },
  cpu: {
    harm: 'higher', unit: '%', description: 'CPU of the server process (/varz cpu)',
    samples: (w) => varzIn(w).map((r) => ({ t: r.t, v: r.cpuPercent })), chart: { title: 'CPU (/varz cpu)', yName: '% of a core' },
  },
  reconnects: {
    harm: 'higher', unit: 'count', description: 'route and gateway reconnects per sample interval',
    samples: reconnectsPerSample,
  },
} as const satisfies Record<string, CanaryMetric>;

export type CanaryMetricName = keyof typeof CANARY_METRICS;
export const CANARY_METRIC_NAMES = Object.keys(CANARY_METRICS) as CanaryMetricName[];
/** A table of metrics to judge with: CANARY_METRICS, or a superset of it (tests). */
export type CanaryMetricTable = Readonly<Record<string, CanaryMetric>>;
