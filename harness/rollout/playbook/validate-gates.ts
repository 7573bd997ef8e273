// A stage's gates: thresholds by registry key with their bounds checked by the registry's own
// schema, and the canary-vs-baseline comparison with its metrics and bounds.
import type { z } from 'zod';
import { CHECK_KEYS, THRESHOLD_KEYS, THRESHOLD_REGISTRY, type ThresholdKey } from '../../verdict/registry.ts';
import { CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, NOT_CANARY_METRICS, type CanaryMetricName, type Harm } from '../../rollout-model/index.ts';
import { problem, zodProblems, type PathPart, type Problems } from './problem-path.ts';
import { compareGateSchema, thresholdGateSchema, type ParsedStage } from './schema.ts';
import type { CompareGate, CompareMetric, Server, Stage, ThresholdGate } from './types.ts';

export function validateGates(s: ParsedStage, at: (...p: PathPart[]) => PathPart[], servers: Server[] | undefined, problems: Problems, kindKnown: boolean): Stage['gates'] | undefined {
  if (s.gates === undefined) {
    // Defaults: every judged threshold at its registry default; the canary also compares.
    return {
      thresholds: CHECK_KEYS.map((k) => ({ threshold: k, bound: THRESHOLD_REGISTRY[k].default })),
      ...(s.kind === 'canary' ? { compare: defaultCompare() } : {}),
    };
  }
  const thresholds: ThresholdGate[] = [];
  let compare: CompareGate | undefined;
  s.gates.forEach((g, j) => {
    const here = at('gates', j);
    if ('threshold' in g) {
      const r = thresholdGateSchema.safeParse(g);
      if (!r.success) return void problems.push(...zodProblems(here, r.error, g));
      const key = r.data.threshold;
      if (!(CHECK_KEYS as string[]).includes(key)) {
        const setting = (THRESHOLD_KEYS as string[]).includes(key) ? ` ("${key}" is a setting: put it under stages[${here[1] as number}].settings)` : '';
        return void problems.push(problem([...here, 'threshold'], `"${key}" is not a threshold${setting}; one of ${CHECK_KEYS.join(', ')}`));
      }
      const entry = THRESHOLD_REGISTRY[key as ThresholdKey];
      if (r.data.bound === undefined) return void thresholds.push({ threshold: key as ThresholdKey, bound: entry.default });
      const b = (entry.schema as z.ZodType).safeParse(r.data.bound);
      if (!b.success || r.data.bound === null) return void problems.push(problem([...here, 'bound'], `${JSON.stringify(r.data.bound)} is not allowed for ${key}; ${entry.allowed.replace(/, or null$/, '')}`));
      if (thresholds.some((t) => t.threshold === key)) return void problems.push(problem([...here, 'threshold'], `"${key}" is gated twice in this stage`));
      thresholds.push({ threshold: key as ThresholdKey, bound: b.data });
    } else if ('compare' in g) {
      if (s.kind !== 'canary' && kindKnown) return void problems.push(problem([...here, 'compare'], `a canary-vs-baseline comparison belongs to the canary stage, not a ${s.kind} stage`));
      if (compare) return void problems.push(problem([...here, 'compare'], 'a second comparison; one per stage'));
      const r = compareGateSchema.safeParse(g);
      if (!r.success) return void problems.push(...zodProblems(here, r.error, g));
      compare = validateCompare(r.data.compare, [...here, 'compare'], s, servers, problems);
    } else {
      problems.push(problem(here, `a gate is { threshold: <key>, bound?: <value> } or { compare: { metrics, pass, marginal } }; got keys ${Object.keys(g).join(', ') || '(none)'}`));
    }
  });
  return { thresholds, ...(compare ? { compare } : {}) };
}

/** The comparison restarts a baseline server in the canary's region: that region needs two servers. */
export function checkBaselinePeer(s: ParsedStage, at: (...p: PathPart[]) => PathPart[], servers: Server[], problems: Problems): void {
  const region = s.server !== undefined ? servers.find((x) => x.name === s.server)?.region : s.region;
  const size = (r: string) => servers.filter((x) => x.region === r).length;
  const explicit = s.gates !== undefined;
  const what = explicit ? 'the comparison' : 'the comparison (a canary stage compares by default; gates: [...] without compare turns it off)';
  if (region !== undefined && size(region) < 2) problems.push(problem(at(s.server !== undefined ? 'server' : 'region'), `${what} needs a baseline server beside the canary, and region ${region} has one server`));
  if (region === undefined && !servers.some((x) => size(x.region) >= 2)) problems.push(problem(at('kind'), `${what} needs a region with two servers`));
}

function defaultCompare(): CompareGate {
  return { metrics: CANARY_METRIC_NAMES.map((n) => metricDefaults(n)), pass: 95, marginal: 75, confidence: 0.95, minSamples: 5 };
}

function metricDefaults(name: CanaryMetricName): CompareMetric {
  return { name, harm: CANARY_METRICS[name].harm, tolerance: 0, critical: false };
}

function validateCompare(c: z.output<typeof compareGateSchema>['compare'], at: PathPart[], s: ParsedStage, servers: Server[] | undefined, problems: Problems): CompareGate | undefined {
  const before = problems.length;
  if (c.marginal > c.pass) problems.push(problem([...at, 'marginal'], `${c.marginal} is above pass ${c.pass}; marginal ≤ pass`));
  const metrics: CompareMetric[] = [];
  (c.metrics ?? CANARY_METRIC_NAMES).forEach((m, k) => {
    const spec = typeof m === 'string' ? { name: m } : m;
    const path = typeof m === 'string' ? [...at, 'metrics', k] : [...at, 'metrics', k, 'name'];
    const notOffered = Object.hasOwn(NOT_CANARY_METRICS, spec.name) ? NOT_CANARY_METRICS[spec.name as keyof typeof NOT_CANARY_METRICS] : undefined;
    if (notOffered) return void problems.push(problem(path, `"${spec.name}" is not offered: ${notOffered}; one of ${CANARY_METRIC_NAMES.join(', ')}`));
    if (!(CANARY_METRIC_NAMES as string[]).includes(spec.name)) return void problems.push(problem(path, `"${spec.name}" is not a canary metric; one of ${CANARY_METRIC_NAMES.join(', ')}`));
    if (metrics.some((x) => x.name === spec.name)) return void problems.push(problem(path, `"${spec.name}" is listed twice`));
    const d = metricDefaults(spec.name as CanaryMetricName);
    const harm = typeof m === 'string' ? undefined : m.harm;
    if (harm !== undefined && !(HARMS as string[]).includes(harm)) return void problems.push(problem([...at, 'metrics', k, 'harm'], `"${harm}" is not a direction of harm; one of ${HARMS.join(', ')}`));
    metrics.push({ ...d, ...(typeof m === 'string' ? {} : { tolerance: m.tolerance ?? 0, critical: m.critical ?? false }), harm: (harm as Harm | undefined) ?? d.harm });
  });
  if (c.baseline !== undefined && servers) {
    const names = servers.map((x) => x.name);
    const b = servers.find((x) => x.name === c.baseline);
    if (!b) problems.push(problem([...at, 'baseline'], `"${c.baseline}" is not a server; one of ${names.join(', ')}`));
    else if (c.baseline === s.server) problems.push(problem([...at, 'baseline'], `"${c.baseline}" is the canary; the baseline is another server in its region`));
    else {
      const canaryRegion = s.server !== undefined ? servers.find((x) => x.name === s.server)?.region : s.region;
      if (canaryRegion !== undefined && b.region !== canaryRegion) problems.push(problem([...at, 'baseline'], `"${c.baseline}" is in ${b.region}, the canary in ${canaryRegion}; one of ${servers.filter((x) => x.region === canaryRegion && x.name !== s.server).map((x) => x.name).join(', ')}`));
    }
  }
  if (problems.length > before) return undefined;
  const { metrics: _m, ...rest } = c;
  return { ...rest, metrics };
}
