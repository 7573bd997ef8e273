// Small builders over @grafana/grafana-foundation-sdk shared by both dashboards: every panel reads
// Prometheus through the `datasource` variable, every query names its legend, and each panel kind
// (series, states, table) is set up once here.
import * as common from '@grafana/grafana-foundation-sdk/common';
import { AnnotationQueryBuilder, DatasourceVariableBuilder, ThresholdsConfigBuilder, ThresholdsMode, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

/** Provisioned data source uid (dashboards/provisioning/datasources/prometheus.yml). */
export const DATASOURCE_UID = 'brownout-prometheus';
const ds = { type: 'prometheus', uid: '${datasource}' };

export interface Query { expr: string; legend: string }

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus')
    .current({ text: 'Prometheus', value: DATASOURCE_UID });
}

function target(q: Query, i: number, format?: PromQueryFormat): DataqueryBuilder {
  const b = new DataqueryBuilder().datasource(ds).refId(String.fromCharCode(65 + i)).expr(q.expr).legendFormat(q.legend);
  return format ? b.format(format).instant() : b.range();
}

/** A time series panel; `stack` for counts that add up (servers per version). */
export function series(title: string, description: string, queries: Query[], opts: { unit?: string; stack?: boolean; min?: number; threshold?: number } = {}): TimeseriesPanel {
  const p = new TimeseriesPanel().title(title).description(description).datasource(ds).unit(opts.unit ?? 'short')
    .lineWidth(1).fillOpacity(opts.stack ? 60 : 10).showPoints(common.VisibilityMode.Never)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true));
  if (opts.min !== undefined) p.min(opts.min);
  if (opts.stack) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (opts.threshold !== undefined) {
    p.thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, { value: opts.threshold, color: 'red' }]))
      .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line));
  }
  queries.forEach((q, i) => p.withTarget(target(q, i)));
  return p;
}

/** A state timeline: one row per series, for things that are on or off (a step, a version, a phase). */
export function states(title: string, description: string, queries: Query[]): StateTimelinePanel {
  const p = new StateTimelinePanel().title(title).description(description).datasource(ds)
    .showValue(common.VisibilityMode.Never).mergeValues(true).rowHeight(0.8)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(false));
  queries.forEach((q, i) => p.withTarget(target(q, i)));
  return p;
}

/** A table of an instant query's labels (which server runs which build now). */
export function table(title: string, description: string, q: Query): TablePanel {
  return new TablePanel().title(title).description(description).datasource(ds).withTarget(target(q, 0, PromQueryFormat.Table));
}

/** A Prometheus annotation: every series the expression returns becomes a shaded region while it is present. */
export function annotation(name: string, expr: string, title: string, color: string): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder().name(name).datasource(ds).enable(true).iconColor(color)
    .expr(expr).step('1s').titleFormat(title).tagKeys('').useValueForTime(false);
}

/** Grafana's own "Annotations & Alerts" entry, which every saved dashboard has. */
export function builtInAnnotations(d: DashboardBuilder): DashboardBuilder {
  return d.annotation(new AnnotationQueryBuilder().name('Annotations & Alerts').builtIn(1).enable(true).hide(true)
    .datasource({ type: 'grafana', uid: '-- Grafana --' }).iconColor('rgba(0, 211, 255, 1)').type('dashboard'));
}

