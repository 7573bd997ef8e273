// planRun(): validate everything a user wrote against the topology it will run on, collect every
// problem (one path format: `steps[2].fault.to`, `thresholds.statsz.maxPerServerPerSecond`) and
// throw them together, or return a typed RunPlan. No process, container or socket is touched.
import { durationMs, EXTERNAL_LINK_FAULTS, externalFileOf, externalLinkProblems, loadClusterFile, isComposeAttach, isExternalAttach, refusedFaults, serversOf, type BackendChoice, type Topology } from '../../clusters/index.ts';
import { randomSeed } from '../../chaos/rng.ts';
import { formatPath, parseScenario, scenarioSeconds, type Scenario, type ScenarioInput } from '../../chaos/scenario.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { BadInputError } from '../../core/errors.ts';
import { problemAt, showValue } from '../../core/problem-path.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import { faultProblems } from './fault-problems.ts';
import { planThresholds } from './plan-thresholds.ts';
import { unknownDetectors } from '../verdict/judge.ts';
import { CHECK_KEYS, type ThresholdKey } from '../verdict/registry.ts';
import { thresholdValue, type Thresholds } from '../verdict/thresholds.ts';
import type { PlanInput, PlannedStep, RunPlan } from './run-plan-types.ts';

/** What `backend` may be; `auto` picks docker when an engine answers. */
export const BACKEND_CHOICES = ['auto', 'local', 'docker', 'swarm'] as const satisfies readonly BackendChoice[];

/** The problem with a backend choice, or undefined; `where` names it (`--backend`, `backend`). */
export function backendProblem(backend: unknown, where = 'backend'): string | undefined {
  return backend === undefined || (BACKEND_CHOICES as readonly unknown[]).includes(backend)
    ? undefined
    : `${where}: ${showValue(backend)} is not a backend; allowed: ${BACKEND_CHOICES.join(', ')}`;
}

export function planRun(input: PlanInput): RunPlan {
  const problems: string[] = [];
  // Found here with everything else, not when the cluster boots: after builds and a run folder.
  const badBackend = backendProblem(input.backend);
  if (badBackend) problems.push(badBackend);
  const { data, known, source } = scenarioData(input, problems);
  const variant = input.attached?.topology.variant ?? input.variant ?? patchedName(DEFAULT_NATS_TAG);
  const parsed = known ? parseScenario(withTopology(data, input, problems), variant) : undefined;
  problems.push(...(parsed?.problems ?? []));
  const thresholds = planThresholds(parsed?.scenario?.thresholds ?? {}, input.thresholds, problems);
  const { scenario, topology } = parsed ?? {};
  let vantage = '';
  if (scenario && topology) {
    vantage = scenario.observer.vantage ?? serversOf(topology)[0]!.name;
    const steps = stepProblems(scenario, parsed!.faults, topology, input, vantage);
    problems.push(...steps);
    if (input.attached) problems.push(...attachProblems(parsed!.faults, input.attached, steps.length > 0));
    problems.push(...detectorProblems(scenario.detectors));
  }
  if (problems.length || !scenario || !topology || !parsed) {
    throw new BadInputError(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing started`, { problems });
  }
  return {
    scenario: scenario.name, description: scenario.description, variant, topology,
    backend: input.attached?.backend ?? input.backend ?? 'auto', attachTo: input.attached?.runId,
    steps: flatSteps(scenario, parsed.faults), scenarioSteps: scenario.steps.length, settleSeconds: scenario.settleSeconds,
    observer: { vantage, intervalMs: scenario.observer.intervalMs }, probe: { ...scenario.probe },
    thresholds, detectors: [...scenario.detectors], seed: input.seed ?? randomSeed(), seconds: scenarioSeconds(scenario),
    warnings: [...(input.attached ? attachWarnings(data, input.attached.topology) : []), ...pingAtScale(topology), ...detectorsOff(scenario.detectors, thresholds)],
    source: scenario,
  };
}

/** The scenario's data (`known`: there is some to parse, even if it is not an object). */
function scenarioData(input: PlanInput, problems: string[]): { data?: unknown; known: boolean; source: string } {
  if (typeof input.scenario !== 'string') return { data: input.scenario.input, known: true, source: `scenario ${input.scenario.source}` };
  const name = input.scenario;
  if (!Object.hasOwn(SCENARIOS, name)) {
    problems.push(problemAt(['scenario'], `unknown scenario ${JSON.stringify(name)}; one of ${SCENARIO_NAMES.join(', ')}`));
    return { known: false, source: `unknown scenario ${JSON.stringify(name)}` };
  }
  return { data: SCENARIOS[name as keyof typeof SCENARIOS], known: true, source: `scenario ${name}` };
}

/** The scenario with its topology replaced by `--regions/--servers`, or by the attached cluster's. */
function withTopology(data: unknown, input: PlanInput, problems: string[]): unknown {
  // Not an object: nothing to replace, and the scenario schema says what is wrong with it.
  if (!isRecord(data)) return data;
  const o = input.topology;
  if (!o || (o.regions === undefined && o.servers === undefined)) {
    return input.attached ? { ...(data as object), topology: input.attached.topology } : data;
  }
  if (input.attached) {
    problems.push(`--regions/--servers: not with --attach; ${attachedName(input.attached.runId)} has its own topology`);
    return { ...(data as object), topology: input.attached.topology };
  }
  // The scenario's own regions as written (any shape: the topology schema judges what comes out).
  const base = isRecord(data.topology) ? data.topology : {};
  const own = Array.isArray(base.regions) ? Array.from(base.regions as unknown[], (r) => (isRecord(r) ? r : {})) : [];
  const regions = (o.regions ?? own.map((r) => r.name))
    .map((name, i) => ({ name, servers: o.servers ?? own[i]?.servers ?? 3 }));
  return { ...data, topology: { ...base, regions } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every fault against the topology; the observer's vantage is spared by faults that pick servers. */
function stepProblems(s: Scenario, faults: readonly (RunPlan['steps'][number]['fault'])[], t: Topology, input: PlanInput, vantage: string): string[] {
  const backend = input.attached?.backend ?? input.backend;
  const topo = { servers: serversOf(t), backend, perSourceLinks: backend === 'docker' || backend === 'swarm' ? true : backend === 'local' ? false : undefined };
  const spared = new Set([vantage]);
  return s.steps.flatMap((_, i) => {
    const f = faults[i];
    return f ? faultProblems(f, topo, spared).map((p) => `${formatPath(['steps', i, 'fault'])}.${p}`) : [];
  });
}

function flatSteps(s: Scenario, faults: readonly (PlannedStep['fault'])[]): PlannedStep[] {
  const out: PlannedStep[] = [];
  s.steps.forEach((step, i) => {
    for (let rep = 0; rep < step.repeat; rep++) {
      const name = step.repeat > 1 ? `${step.name} (${rep + 1}/${step.repeat})` : step.name;
      const fault = faults[i];
      out.push({ index: out.length, scenarioStep: i, name, holdSeconds: step.holdSeconds, gapSeconds: step.gapSeconds, ...(fault ? { fault } : {}) });
    }
  });
  return out;
}

/** Every detector must be a threshold the judge checks. */
function detectorProblems(detectors: readonly string[]): string[] {
  const unknown = new Set(unknownDetectors(detectors));
  return detectors.flatMap((d, i) => (unknown.has(d) ? [`${formatPath(['detectors', i])}: "${d}" is not a judged threshold; allowed: ${CHECK_KEYS.join(', ')}`] : []));
}

/** A detector switched off (`--threshold key=null`) cannot catch anything: say so, but run. */
function detectorsOff(detectors: readonly string[], t: Thresholds): string[] {
  const off = detectors.filter((d) => {
    const v = thresholdValue(t, d as ThresholdKey);
    return v === null || v === false;
  });
  return off.length ? [`detector(s) ${off.join(', ')} switched off: this run cannot catch the bug the scenario exists for`] : [];
}

/** Above this many servers a ping of a few seconds outruns a 2-core machine (bench/results/ping-at-scale.md). */
export const PING_SCALE_SERVERS = 64;

/** A fast ping on a large cluster: measured at 96 servers, the mesh comes apart within minutes. */
export function pingAtScale(t: Topology): string[] {
  const n = serversOf(t).length;
  return n > PING_SCALE_SERVERS && durationMs(t.ping.interval) < 10_000
    ? [`${n} servers with a ${t.ping.interval} ping: at 96 servers on 2 cores such a ping turned CPU stalls into stale connections and the mesh came apart (bench/results/ping-at-scale.md); storm-at-scale keeps nats-server's default ping`]
    : [];
}

/** What the scenario's own topology expected of the cluster it is now attached to. */
function attachWarnings(data: unknown, t: Topology): string[] {
  const want = (data as { topology?: { ping?: { interval?: string } } }).topology?.ping?.interval;
  return want && want !== t.ping.interval
    ? [`the attached cluster pings every ${t.ping.interval}, the scenario expects ${want}: recovery bounds assume ${want}`]
    : [];
}

const LINK_FAULTS: ReadonlySet<string> = new Set(EXTERNAL_LINK_FAULTS);
function isLinkFault(f: RunPlan['steps'][number]['fault']): boolean {
  return f !== undefined && LINK_FAULTS.has(f.type);
}

/** Whether the external cluster's proxies are per source region (then a partition cuts both ways). */
function hasSourceProxies(attachId: string): boolean {
  return (loadClusterFile(externalFileOf(attachId)).toxiproxy?.proxies ?? []).some((p) => p.from !== null);
}

function attachedName(runId: string): string {
  return isComposeAttach(runId) ? 'the compose stack' : isExternalAttach(runId) ? `the external cluster ${runId.slice('external:'.length)}` : `the cluster ${runId}`;
}

/** Faults the attached cluster refuses (an upgrade on the compose stack), and where the topology came from when a step does not fit it. */
function attachProblems(faults: readonly (RunPlan['steps'][number]['fault'])[], a: NonNullable<PlanInput['attached']>, stepsDoNotFit: boolean): string[] {
  const refused = refusedFaults(a.runId);
  const out = faults.flatMap((f, i) => (f && refused[f.type] ? [`${formatPath(['steps', i, 'fault'])}.type: "${f.type}" cannot run on ${attachedName(a.runId)}: ${refused[f.type]}`] : []));
  // IP-level loss is iptables rules in the servers' namespaces: never on hosts brownout does not own.
  if (a.backend === 'external') {
    // A link fault must pick at least one of the user's proxies (as Links will when it runs).
    const sels = faults.map((f): { to?: string; from?: string }[] | undefined => {
      if (!f || refused[f.type] || !isLinkFault(f)) return undefined;
      const at = f.attributes as { to?: string; from?: string; region?: string };
      if (f.type === 'partition' && at.region !== undefined) return [{ to: at.region }, ...(hasSourceProxies(a.runId) ? [{ from: at.region }] : [])];
      return [{ ...(at.to !== undefined ? { to: at.to } : {}), ...(at.from !== undefined ? { from: at.from } : {}) }];
    });
    externalLinkProblems(a.runId, sels).forEach((p, i) => { if (p) out.push(`${formatPath(['steps', i, 'fault'])}.${p}`); });
    faults.forEach((f, i) => {
      if (f?.type === 'packet-loss' && f.attributes.model === 'ip-loss' && !refused[f.type]) {
        out.push(`${formatPath(['steps', i, 'fault'])}.model: "ip-loss" cannot run on ${attachedName(a.runId)}: it adds iptables rules to hosts brownout does not own; allowed: toxiproxy-blackhole (through the cluster file's Toxiproxy), or leave model out`);
      }
    });
  }
  if (stepsDoNotFit) {
    const shape = a.topology.regions.map((r) => `${r.name}×${r.servers}`).join(', ');
    out.push(`topology: with --attach the scenario runs on ${attachedName(a.runId)}'s topology (${shape}), not its own; every step must fit it`);
  }
  return out;
}
