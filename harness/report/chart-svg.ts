// One ChartSpec to one SVG string, on the server, with Apache ECharts' SSR renderer (no DOM, no
// canvas, no browser). The only file that knows the charting library.
import { createRequire } from 'node:module';
import type * as ECharts from 'echarts';
import type { ChartSpec } from './report-charts.ts';

// Loaded on the first chart, not on import: every CLI command imports the report writers, and
// ECharts' single CommonJS bundle loads in about a tenth of the time its many ES modules take.
let loaded: typeof ECharts | undefined;
const echarts = (): typeof ECharts => (loaded ??= createRequire(import.meta.url)('echarts') as typeof ECharts);

// Okabe-Ito plus greys: tells apart up to 9 series for colour-blind readers too.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];
const BAND_COLOUR = { fault: 'rgba(213, 94, 0, 0.13)', stage: 'rgba(0, 114, 178, 0.08)' } as const;
// A faint edge, so back-to-back windows (a rolling restart) still read as separate.
const BAND_EDGE = { fault: 'rgba(213, 94, 0, 0.35)', stage: 'rgba(0, 114, 178, 0.3)' } as const;

// Legend keys for the two runs' line styles, as paths (a series' own legend icon ignores its
// dash). The corner points keep the icon's box 16×8, so the bar stays thin.
const SOLID_ICON = 'path://M0,0L0,0M16,8L16,8M0,3.2L16,3.2L16,4.8L0,4.8Z';
const DASHED_ICON = 'path://M0,0L0,0M16,8L16,8M0,3.2L4,3.2L4,4.8L0,4.8ZM6,3.2L10,3.2L10,4.8L6,4.8ZM12,3.2L16,3.2L16,4.8L12,4.8Z';

export const CHART_WIDTH = 1000;
const LEGEND_WIDTH = 230;
const LEGEND_ROW = 18;

/** Height that fits the plot and a legend of one row per line beside it. */
export const chartHeight = (lines: number): number => Math.max(280, 70 + lines * LEGEND_ROW);

// A round end for the x axis, so its last tick is not crowded by an odd run length (72 s → 80).
const niceMax = (x: number): number => Math.max(10, Math.ceil(x / 10) * 10);

export function renderChartSvg(spec: ChartSpec): string {
  const groups = [...new Set(spec.lines.map((l) => l.group))];
  const colour = (group: string): string => PALETTE[groups.indexOf(group) % PALETTE.length]!;
  const y = (v: number | null): number | null => (v !== null && spec.yLog && v <= 0 ? null : v);
  // The legend names each server or region pair once (by group); when two runs are overlaid, two
  // more keys say which line style is which run.
  const legend = [...groups, ...spec.runs.map((r) => ({ name: r.label, icon: r.dashed ? DASHED_ICON : SOLID_ICON, itemStyle: { color: '#444' } }))];
  const height = chartHeight(legend.length);
  const styleKeys = spec.runs.map((r) => ({
    type: 'line' as const, name: r.label, data: [], color: '#444', symbol: 'none',
    lineStyle: { width: r.dashed ? 1.5 : 2, type: r.dashed ? ('dashed' as const) : ('solid' as const), color: '#444' },
  }));
  const series = spec.lines.map((l) => ({
    type: 'line' as const,
    name: l.group,
    data: l.points.map(([x, v]) => [x, y(v)]),
    symbol: 'none',
    connectNulls: false,
    step: l.step ? ('end' as const) : false,
    color: colour(l.group),
    lineStyle: { width: l.dashed ? 1.5 : 2, type: l.dashed ? ('dashed' as const) : ('solid' as const), color: colour(l.group) },
  }));
  // The bands ride on a series of their own, so they are drawn even when a chart has no data.
  const bands = {
    type: 'line' as const,
    name: '',
    data: [],
    silent: true,
    markArea: {
      silent: true,
      // Above the plot, so it never sits on a line.
      label: { show: true, position: 'top' as const, distance: 2, color: '#7a3000', fontSize: 11, fontWeight: 'bold' as const },
      data: spec.bands.map((b) => [
        { name: b.key ?? b.label, xAxis: b.from, itemStyle: { color: BAND_COLOUR[b.kind], borderColor: BAND_EDGE[b.kind], borderWidth: 1 } },
        { xAxis: Math.max(b.to, b.from + 0.2) },
      ]),
    },
  };
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `${spec.title}: ${spec.lines.length} series over ${spec.xMax.toFixed(0)} s` } },
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      grid: { left: 64, right: LEGEND_WIDTH + 20, top: 34, bottom: 44 },
      legend: {
        // Anchored on the left: without a canvas, SSR underestimates text width and a legend
        // anchored on the right would spill past the edge.
        type: 'plain', orient: 'vertical', left: CHART_WIDTH - LEGEND_WIDTH, top: 16, width: LEGEND_WIDTH, itemWidth: 22, itemHeight: 8, itemGap: 6,
        textStyle: { fontSize: 11 }, data: legend,
      },
      xAxis: { type: 'value', min: 0, max: niceMax(spec.xMax), name: 's since start', nameLocation: 'middle', nameGap: 26 },
      yAxis: spec.yLog
        ? { type: 'log', name: spec.yName, nameTextStyle: { align: 'left' } }
        : { type: 'value', name: spec.yName, minInterval: 1, nameTextStyle: { align: 'left' } },
      series: [bands, ...series, ...styleKeys],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
