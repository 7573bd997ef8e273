// What the run report and the rollout report share: one chart figure, the page's base style and
// escaping. Each report adds only its own rules.
import { renderChartSvg } from './chart-svg.ts';
import { escapeXml } from './junit.ts';
import type { ChartSpec } from './report-charts.ts';

export const esc = (s: string): string => escapeXml(s);

/** A chart with its caption; the data attributes let tests and readers count what it drew. */
export function figure(spec: ChartSpec, small = false): string {
  const points = spec.lines.reduce((n, l) => n + l.points.filter(([, y]) => y !== null).length, 0);
  return `<figure class="chart${small ? ' small' : ''}" id="chart-${esc(spec.id)}" data-chart="${esc(spec.id)}" data-lines="${spec.lines.length}" data-points="${points}" data-bands="${spec.bands.length}">`
    + `<figcaption><h3>${esc(spec.title)}</h3><p>${esc(spec.note)}</p></figcaption>`
    + (spec.lines.length === 0 ? '<p class="empty">No data recorded for this chart.</p>' : '')
    + `${renderChartSvg(spec)}</figure>`;
}

export const BASE_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1040px;padding:0 16px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#555;margin:0}table.verdict{border-collapse:collapse;width:100%}
table.verdict th,table.verdict td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
table.verdict th{background:#f4f4f4}
figure.chart{margin:18px 0;break-inside:avoid}figure.chart p{margin:2px 0 4px;color:#555}figure.chart svg{max-width:100%;height:auto}
.swatch{display:inline-block;width:14px;height:10px;margin-right:6px;border:1px solid #c9a48a}
.swatch.fault{background:rgba(213,94,0,.13)}.swatch.stage{background:rgba(0,114,178,.08)}
footer{margin-top:32px;color:#777;font-size:12px}
`;
