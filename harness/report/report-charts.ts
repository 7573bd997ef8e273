// The report's charts as plain data: which series each chart draws, with every fault window as a
// band. One run draws its series; two runs (`--compare`) are overlaid on the same axes, the
// baseline dashed and the candidate solid, one colour per series name. Pure.
import type { Band, RunSeries, Series } from './run-series.ts';

export interface ChartLine extends Series {
  /** Lines with the same group share a colour (the same server or region pair in both runs). */
  group: string;
  dashed: boolean;
  /** Hold each value until the next point (counts of links). */
  step: boolean;
}

export interface ChartSpec {
  /** Stable id, used as the figure's id in the page: `links-up`. */
  id: string;
  title: string;
  /** What the y axis measures, with its unit. */
  yName: string;
  yLog: boolean;
  /** Seconds since the run started; the longest run when overlaid. */
  xMax: number;
  lines: ChartLine[];
  /** When overlaid: which run each line style stands for (the legend keys lines by group). */
  runs: { label: string; dashed: boolean }[];
  bands: Band[];
  /** One sentence under the title: what to look for. */
  note: string;
}

export interface LabeledSeries { label: string; series: RunSeries }

interface ChartDef {
  id: string; title: string; yName: string; note: string; pick: (s: RunSeries) => Series[]; yLog?: boolean; step?: boolean;
}

// The order a reader goes through a run: did the links drop and come back, what did the servers
// send meanwhile, what did it cost, and what did the applications see.
const CHARTS: ChartDef[] = [
  { id: 'links-up', title: 'Gateway links up per region pair', yName: 'links up', step: true, pick: (s) => s.linksUp,
    note: 'Outbound gateways of the first region\'s servers to the second region that are up; a pair that stays below its full count after a fault is stuck.' },
  { id: 'links-handshake', title: 'Gateway links in handshake per region pair', yName: 'links in handshake', step: true, pick: (s) => s.linksHandshake,
    note: 'Outbound gateways that exist but the remote never registered: the stuck-gateway state when it outlasts the fault.' },
  { id: 'statsz', title: 'STATSZ per server per second', yName: 'msgs/s', pick: (s) => s.statszPerSecond,
    note: 'Counted from the system-account subscription; a storm shows as a spike after a server restarts.' },
  { id: 'rss', title: 'RSS per server', yName: 'MiB', pick: (s) => s.rssMiB, note: 'Resident memory of each nats-server process.' },
  { id: 'probe-delivered', title: 'Log-stream probe: delivered per region pair', yName: 'msgs/s', pick: (s) => s.probeDelivered,
    note: 'Messages first received per second, publishers in the first region, subscriber in the second.' },
  { id: 'probe-lost', title: 'Log-stream probe: lost per region pair', yName: 'msgs per window', pick: (s) => s.probeLost,
    note: 'Sequence numbers skipped and never filled in.' },
  { id: 'probe-latency', title: 'Log-stream probe: p99 latency per region pair', yName: 'ms (log)', yLog: true, pick: (s) => s.probeP99Ms,
    note: 'Publish-to-receive p99 of each window; gaps are windows with nothing delivered.' },
];

export const CHART_IDS: readonly string[] = CHARTS.map((c) => c.id);

/**
 * The charts for one run, or two overlaid. Overlaid bands keep both runs' fault windows (the same
 * scenario puts them at nearly the same seconds) but label only the candidate's.
 */
export function reportCharts(runs: readonly LabeledSeries[], extraBands: readonly Band[] = []): ChartSpec[] {
  const overlay = runs.length > 1;
  const bands = [
    ...runs.flatMap((r, i) => r.series.bands.map((b) => (i === runs.length - 1 ? b : { ...b, key: '', label: '' }))),
    ...extraBands,
  ];
  const xMax = Math.max(0, ...runs.map((r) => r.series.duration));
  const styles = overlay ? runs.map((r, i) => ({ label: r.label, dashed: i < runs.length - 1 })) : [];
  return CHARTS.map((c) => ({
    id: c.id, title: c.title, yName: c.yName, yLog: c.yLog ?? false, note: c.note, xMax, bands, runs: styles,
    lines: runs.flatMap((r, i) => c.pick(r.series).map((s): ChartLine => ({
      name: overlay ? `${s.name} ${r.label}` : s.name,
      points: s.points,
      group: s.name,
      dashed: overlay && i < runs.length - 1,
      step: c.step ?? false,
    }))),
  }));
}
