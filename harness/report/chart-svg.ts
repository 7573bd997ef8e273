// One ChartSpec to one SVG string, on the server, with Apache ECharts' SSR renderer (no DOM, no
// canvas, no browser). The only file that knows the charting library.
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkAreaComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartSpec } from './report-charts.ts';

echarts.use([LineChart, AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, SVGRenderer]);

// Okabe-Ito plus greys: tells apart up to 9 series for colour-blind readers too.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];
const BAND_COLOUR = { fault: 'rgba(213, 94, 0, 0.13)', stage: 'rgba(0, 114, 178, 0.08)' } as const;

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
  const height = chartHeight(spec.lines.length);
  const y = (v: number | null): number | null => (v !== null && spec.yLog && v <= 0 ? null : v);
  const series = spec.lines.map((l) => ({
    type: 'line' as const,
    name: l.name,
    data: l.points.map(([x, v]) => [x, y(v)]),
    showSymbol: false,
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
      label: { show: true, position: 'insideTop' as const, color: '#7a3000', fontSize: 11, overflow: 'truncate' as const },
      data: spec.bands.map((b) => [
        { name: b.label, xAxis: b.from, itemStyle: { color: BAND_COLOUR[b.kind] } },
        { xAxis: Math.max(b.to, b.from + 0.2) },
      ]),
    },
  };
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `${spec.title}: ${spec.lines.length} series over ${spec.xMax.toFixed(0)} s` } },
      textStyle: { fontFamily: 'system-ui, sans-serif' },
      grid: { left: 64, right: LEGEND_WIDTH + 20, top: 24, bottom: 44 },
      legend: {
        type: 'plain', orient: 'vertical', right: 8, top: 16, width: LEGEND_WIDTH, itemWidth: 22, itemHeight: 8, itemGap: 6,
        textStyle: { fontSize: 11 }, data: spec.lines.map((l) => l.name),
      },
      xAxis: { type: 'value', min: 0, max: niceMax(spec.xMax), name: 's since start', nameLocation: 'middle', nameGap: 26 },
      yAxis: spec.yLog
        ? { type: 'log', name: spec.yName, nameTextStyle: { align: 'left' } }
        : { type: 'value', name: spec.yName, minInterval: 1, nameTextStyle: { align: 'left' } },
      series: [bands, ...series],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
