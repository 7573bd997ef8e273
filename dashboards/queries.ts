// Every PromQL expression a generated dashboard runs (panel targets and annotations), Grafana's
// variables expanded the way Grafana would, parsed with Prometheus's own Lezer grammar. Pure: the
// tests feed it the dashboards and check each expression against METRICS.md and a real Prometheus.
import { parser } from '@prometheus-io/lezer-promql';

export interface DashboardQuery {
  dashboard: string;
  /** Panel title, or `annotation: <name>`. */
  panel: string;
  refId: string;
  expr: string;
}

interface PanelJson { title?: string; type?: string; panels?: PanelJson[]; targets?: { refId?: string; expr?: string }[] }
interface DashboardJson { title: string; panels?: PanelJson[]; annotations?: { list?: { name: string; expr?: string; builtIn?: number }[] } }

export function dashboardQueries(d: DashboardJson): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const walk = (panels: PanelJson[] | undefined): void => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) out.push({ dashboard: d.title, panel: p.title ?? '(untitled)', refId: t.refId ?? '', expr: t.expr ?? '' });
      walk(p.panels);
    }
  };
  walk(d.panels);
  for (const a of d.annotations?.list ?? []) if (!a.builtIn) out.push({ dashboard: d.title, panel: `annotation: ${a.name}`, refId: '', expr: a.expr ?? '' });
  return out;
}

/** Panels that show nothing by construction: no query at all (rows excepted). */
export function panelsWithoutQueries(d: DashboardJson): string[] {
  const out: string[] = [];
  const walk = (panels: PanelJson[] | undefined): void => {
    for (const p of panels ?? []) {
      if (p.type !== 'row' && !(p.targets ?? []).some((t) => (t.expr ?? '').trim() !== '')) out.push(p.title ?? '(untitled)');
      walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

/** Grafana's built-in interval variables, replaced as Grafana would for a given scrape interval. */
export function expandVariables(expr: string, vars: { rateInterval: string; interval: string; range: string }): string {
  return expr
    .replaceAll('$__rate_interval', vars.rateInterval)
    .replaceAll('$__interval', vars.interval)
    .replaceAll('$__range', vars.range);
}

export interface ParsedQuery {
  /** Each error node: its offset and the text around it. */
  errors: string[];
  /** Metric names the expression selects (vector selectors' identifiers). */
  metrics: string[];
}

export function parsePromql(expr: string): ParsedQuery {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics = new Set<string>();
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`error at ${n.from}: …${expr.slice(Math.max(0, n.from - 10), n.to + 10)}…`);
      if (n.name === 'Identifier' && n.node.parent?.name === 'VectorSelector') metrics.add(expr.slice(n.from, n.to));
    },
  });
  if (expr.trim() === '') errors.push('empty expression');
  return { errors, metrics: [...metrics] };
}

/** The documented metric a selected series belongs to: histograms expose _bucket, _sum and _count. */
export function documentedName(metric: string, documented: ReadonlySet<string>): string | undefined {
  if (documented.has(metric)) return metric;
  const base = metric.replace(/_(bucket|sum|count)$/, '');
  return base !== metric && documented.has(base) ? base : undefined;
}

/** Metric names (first column) of METRICS.md's table. */
export function documentedMetrics(metricsMd: string): Set<string> {
  return new Set(metricsMd.split('\n').filter((l) => l.startsWith('| `brownout_')).map((l) => l.split('|')[1]!.trim().replace(/`/g, '')));
}
