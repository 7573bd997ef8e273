// Validate a playbook (already parsed from YAML or JSON): shapes first, then every name against its
// registry and the topology. Every problem is collected, with its path and what is allowed, and
// thrown together as one BadInputError.
import type { z } from 'zod';
import { BadInputError } from '../../../core/errors.ts';
import { parseTopology, presets, serversOf, type PresetName, type Topology, type TopologyInput } from '../../../clusters/index.ts';
import { FAULTS, FAULT_NAMES, type FaultName } from '../../../chaos/faults/registry.ts';
import { CHECK_KEYS, THRESHOLD_KEYS, THRESHOLD_REGISTRY, type ThresholdKey } from '../../verdict/registry.ts';
import { resolveVariantAlias, VARIANT_ALIASES } from '../../variants/aliases.ts';
import { CANARY_METRICS, CANARY_METRIC_NAMES, HARMS, type CanaryMetricName, type Harm } from '../judge/metrics.ts';
import { problem, type PathPart } from './problem-path.ts';
import { compareGateSchema, playbookSchema, stageSchema, thresholdGateSchema, type StageKind } from './schema.ts';
import type { CompareGate, CompareMetric, Playbook, PlaybookCluster, Stage, StageFault, ThresholdGate } from './types.ts';

type Problems = string[];

function zodProblems(prefix: readonly PathPart[], error: z.ZodError): string[] {
  return error.issues.map((i) => problem([...prefix, ...i.path], allowedFor(i)));
}

/** zod's message, plus the allowed values where zod knows them. */
function allowedFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return `${issue.message}`;
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/**
 * The top level with every failed field dropped or stood in for, so the stages are still checked.
 * Stand-ins never produce problems of their own: an attached cluster (no names to check) and
 * placeholder variants (the baseline/target comparison is skipped).
 */
function lenientTop(input: unknown, error: z.ZodError): z.output<typeof playbookSchema> | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const copy: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const issue of error.issues) {
    if (issue.path.length === 0 && issue.code === 'unrecognized_keys') for (const k of issue.keys) delete copy[k];
    else if (issue.path.length > 0) delete copy[String(issue.path[0])];
  }
  const standIn = { name: 'playbook', cluster: { attach: 'latest' }, baseline: 'baseline', target: 'target' };
  const again = playbookSchema.safeParse({ ...standIn, ...copy });
  return again.success ? again.data : undefined;
}

const DEFAULT_STAGES: { kind: StageKind }[] = [{ kind: 'canary' }, { kind: 'region' }, { kind: 'global' }];
const SETTING_KEYS = THRESHOLD_KEYS.filter((k) => !CHECK_KEYS.includes(k));

/** Validate `input`; `source` (a file name) heads the error. Throws BadInputError listing every problem. */
export function validatePlaybook(input: unknown, source: string): Playbook {
  const problems: Problems = [];
  const top = playbookSchema.safeParse(input);
  let pb: z.output<typeof playbookSchema>;
  let whole = true;
  if (top.success) pb = top.data;
  else {
    problems.push(...zodProblems([], top.error));
    const lenient = lenientTop(input, top.error);
    if (!lenient) throw invalid(source, problems);
    pb = lenient;
    whole = false;
  }

  const baseline = resolveVariantAlias(pb.baseline);
  const target = resolveVariantAlias(pb.target);
  if (whole && baseline === target) problems.push(problem(['target'], `"${pb.target}" is the baseline too; the target must be another variant (aliases: ${Object.entries(VARIANT_ALIASES).map(([a, v]) => `${a}=${v}`).join(', ')})`));

  const cluster = validateCluster(pb.cluster, baseline, problems);
  const topology = cluster?.kind === 'topology' ? cluster.topology : undefined;
  const servers = topology ? serversOf(topology) : undefined;

  const rawStages = pb.stages ?? DEFAULT_STAGES;
  const stages: Stage[] = [];
  rawStages.forEach((raw, i) => {
    const parsed = stageSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(['stages', i], parsed.error));
      // Still check what did parse (faults, gates, settings), so one run lists every problem.
      const lenient = withoutFailedFields(raw, parsed.error);
      if (lenient) validateStage(lenient.stage, i, servers, problems, lenient.kindKnown);
      return;
    }
    const stage = validateStage(parsed.data, i, servers, problems, true);
    if (stage) stages.push(stage);
  });
  checkStageOrder(rawStages.map((s) => (s as { kind?: StageKind }).kind), problems);
  const seen = new Map<string, number>();
  stages.forEach((s, i) => {
    if (seen.has(s.name)) problems.push(problem(['stages', i, 'name'], `duplicate stage name "${s.name}" (also stages[${seen.get(s.name)}]); give each stage its own name`));
    seen.set(s.name, i);
  });

  if (problems.length || !cluster || !whole) throw invalid(source, problems);
  return { name: pb.name, ...(pb.description !== undefined ? { description: pb.description } : {}), cluster, baseline, target, ...(pb.seed !== undefined ? { seed: pb.seed } : {}), stages };
}

function validateCluster(c: z.output<typeof playbookSchema>['cluster'], baseline: string, problems: Problems): PlaybookCluster | undefined {
  const given = (['topology', 'preset', 'attach'] as const).filter((k) => c[k] !== undefined);
  if (given.length !== 1) {
    problems.push(problem(['cluster'], `name exactly one of topology, preset or attach (got ${given.length ? given.join(' and ') : 'none'})`));
    return undefined;
  }
  if (c.attach !== undefined) {
    if (c.backend !== undefined) problems.push(problem(['cluster', 'backend'], 'an attached cluster runs where it was started; remove backend'));
    return { kind: 'attach', id: c.attach };
  }
  let input: TopologyInput;
  if (c.preset !== undefined) {
    const p = presets[c.preset as PresetName];
    if (!p) {
      problems.push(problem(['cluster', 'preset'], `"${c.preset}" is not a preset; one of ${Object.keys(presets).join(', ')}`));
      return undefined;
    }
    input = structuredClone(p) as TopologyInput;
  } else {
    input = c.topology as TopologyInput;
  }
  try {
    const topology: Topology = parseTopology({ ...input, variant: baseline });
    return { kind: 'topology', topology, backend: c.backend ?? 'auto' };
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    const at = c.preset !== undefined ? 'cluster.preset' : 'cluster.topology';
    problems.push(...err.problems.map((p) => `${at}.${p}`));
    return undefined;
  }
}

function checkStageOrder(kinds: (StageKind | undefined)[], problems: Problems): void {
  const where = (k: StageKind) => kinds.flatMap((x, i) => (x === k ? [i] : []));
  for (const k of ['canary', 'region', 'global'] as const) {
    const at = where(k);
    if (at.length > 1) problems.push(problem(['stages', at[1]!, 'kind'], `a second "${k}" stage; each kind appears at most once (canary → region → global)`));
  }
  const [canary] = where('canary');
  const [region] = where('region');
  const [global] = where('global');
  if (canary !== undefined && canary !== 0) problems.push(problem(['stages', canary, 'kind'], 'the canary stage comes first'));
  if (region !== undefined && canary === undefined) problems.push(problem(['stages', region, 'kind'], 'a region stage upgrades the canary\'s region: add a canary stage before it'));
  if (region !== undefined && canary !== undefined && region < canary) problems.push(problem(['stages', region, 'kind'], 'the region stage comes after the canary stage'));
  if (global !== undefined && global !== kinds.length - 1) problems.push(problem(['stages', global, 'kind'], 'the global stage comes last'));
}

type ParsedStage = z.output<typeof stageSchema>;

/** The stage with every field that failed dropped (defaults fill in), for the checks beyond shapes. */
function withoutFailedFields(raw: unknown, error: z.ZodError): { stage: ParsedStage; kindKnown: boolean } | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const issue of error.issues) {
    if (issue.path.length === 0 && issue.code === 'unrecognized_keys') for (const k of issue.keys) delete copy[k];
    else if (issue.path.length > 0) delete copy[String(issue.path[0])];
  }
  const kindKnown = 'kind' in copy;
  if (!kindKnown) {
    // Without a kind, nothing kind-specific can be judged: check as a global stage minus canary fields.
    copy.kind = 'global';
    delete copy.server;
    delete copy.region;
  }
  const again = stageSchema.safeParse(copy);
  return again.success ? { stage: again.data, kindKnown } : undefined;
}
type Server = { name: string; region: string };

function validateStage(s: ParsedStage, i: number, servers: Server[] | undefined, problems: Problems, kindKnown: boolean): Stage | undefined {
  const at = (...p: PathPart[]) => ['stages', i, ...p];
  const before = problems.length;
  const names = servers?.map((x) => x.name);
  const regions = servers ? [...new Set(servers.map((x) => x.region))] : undefined;

  if (s.kind !== 'canary') {
    if (s.server !== undefined) problems.push(problem(at('server'), `only a canary stage names a server; a ${s.kind} stage upgrades ${s.kind === 'region' ? "the rest of the canary's region" : 'every server not yet upgraded'}`));
    if (s.region !== undefined) problems.push(problem(at('region'), `only a canary stage names a region; a ${s.kind} stage follows the canary`));
  } else {
    if (s.server !== undefined && names && !names.includes(s.server)) problems.push(problem(at('server'), `"${s.server}" is not a server; one of ${names.join(', ')}`));
    if (s.region !== undefined && regions && !regions.includes(s.region)) problems.push(problem(at('region'), `"${s.region}" is not a region; one of ${regions.join(', ')}`));
    if (s.server !== undefined && s.region !== undefined && servers && names?.includes(s.server) && servers.find((x) => x.name === s.server)!.region !== s.region) {
      problems.push(problem(at('region'), `server "${s.server}" is not in region "${s.region}"; name one of them`));
    }
  }

  const faults = s.faults.map((f, j) => validateFault(f, at('faults', j), s.soakSeconds, names, regions, problems));
  const settings = validateSettings(s.settings, at('settings'), problems);
  const gates = validateGates(s, at, servers, problems, kindKnown);
  if (gates?.compare && servers && kindKnown) checkBaselinePeer(s, at, servers, problems);

  if (problems.length > before) return undefined;
  return {
    name: s.name ?? s.kind,
    kind: s.kind,
    ...(s.server !== undefined ? { server: s.server } : {}),
    ...(s.region !== undefined ? { region: s.region } : {}),
    upgrade: s.upgrade,
    soakSeconds: s.soakSeconds,
    faults: faults as StageFault[],
    gates: gates!,
    settings,
    onFailure: s.onFailure,
  };
}

function validateFault(f: ParsedStage['faults'][number], at: PathPart[], soak: number, names: string[] | undefined, regions: string[] | undefined, problems: Problems): StageFault | undefined {
  const { type, atSeconds, holdSeconds, ...attributes } = f;
  if (!(FAULT_NAMES as string[]).includes(type)) {
    problems.push(problem([...at, 'type'], `"${type}" is not a fault; one of ${FAULT_NAMES.join(', ')}`));
    return undefined;
  }
  const r = FAULTS[type as FaultName].attributes.safeParse(attributes);
  if (!r.success) {
    problems.push(...zodProblems(at, r.error));
    return undefined;
  }
  const hold = holdSeconds ?? soak - atSeconds;
  if (atSeconds + hold > soak || hold <= 0) problems.push(problem([...at, holdSeconds === undefined ? 'atSeconds' : 'holdSeconds'], `the fault must end within the soak: atSeconds ${atSeconds} + holdSeconds ${hold} > soakSeconds ${soak}`));
  const a = r.data as Record<string, unknown>;
  // Names the fault will look up at run time, checked now when the topology is known.
  if (names && regions) {
    for (const [j, sv] of ((a.servers as string[] | undefined) ?? []).entries()) {
      if (!names.includes(sv)) problems.push(problem([...at, 'servers', j], `"${sv}" is not a server; one of ${names.join(', ')}`));
    }
    if (typeof a.region === 'string' && !regions.includes(a.region)) problems.push(problem([...at, 'region'], `"${a.region}" is not a region; one of ${regions.join(', ')}`));
    for (const k of ['to', 'from'] as const) {
      const v = a[k];
      if (typeof v === 'string' && !regions.includes(v) && !names.includes(v)) problems.push(problem([...at, k], `"${v}" is neither a region nor a server; one of ${[...regions, ...names].join(', ')}`));
    }
  }
  return { type: type as FaultName, attributes: a, atSeconds, holdSeconds: hold };
}

function validateSettings(settings: Record<string, unknown>, at: PathPart[], problems: Problems): Partial<Record<ThresholdKey, unknown>> {
  const out: Partial<Record<ThresholdKey, unknown>> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (!(SETTING_KEYS as string[]).includes(key)) {
      problems.push(problem([...at, key], `not a setting; one of ${SETTING_KEYS.join(', ')}${(CHECK_KEYS as string[]).includes(key) ? ` (${key} is a threshold: use a gate { threshold: ${key}, bound })` : ''}`));
      continue;
    }
    const entry = THRESHOLD_REGISTRY[key as ThresholdKey];
    const r = (entry.schema as z.ZodType).safeParse(value);
    if (!r.success) problems.push(problem([...at, key], `${JSON.stringify(value)} is not allowed; ${entry.allowed}`));
    else out[key as ThresholdKey] = r.data;
  }
  return out;
}

function validateGates(s: ParsedStage, at: (...p: PathPart[]) => PathPart[], servers: Server[] | undefined, problems: Problems, kindKnown: boolean): Stage['gates'] | undefined {
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
      if (!r.success) return void problems.push(...zodProblems(here, r.error));
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
      if (!r.success) return void problems.push(...zodProblems(here, r.error));
      compare = validateCompare(r.data.compare, [...here, 'compare'], s, servers, problems);
    } else {
      problems.push(problem(here, `a gate is { threshold: <key>, bound?: <value> } or { compare: { metrics, pass, marginal } }; got keys ${Object.keys(g).join(', ') || '(none)'}`));
    }
  });
  return { thresholds, ...(compare ? { compare } : {}) };
}

/** The comparison restarts a baseline server in the canary's region: that region needs two servers. */
function checkBaselinePeer(s: ParsedStage, at: (...p: PathPart[]) => PathPart[], servers: Server[], problems: Problems): void {
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

function invalid(source: string, problems: string[]): BadInputError {
  return new BadInputError(`playbook ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
    problems,
    hint: 'fix every problem listed; examples/rollout-*.yaml are valid playbooks',
  });
}
