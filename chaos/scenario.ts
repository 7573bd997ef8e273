// A Scenario: plain, JSON-serializable data (topology, timeline of steps, thresholds), validated
// once on load. Validation collects every problem, each with its path and what is allowed.
import { z } from 'zod';
import { BadInputError } from '../core/errors.ts';
import { prefixProblem, problemAt, schemaProblems } from '../core/problem-path.ts';
import { parseTopology, serversOf, type Topology, type TopologyInput } from '../clusters/index.ts';
import { FAULTS, FAULT_NAMES, type FaultName, type TypedFault } from './faults/registry.ts';

const faultSpec = z.looseObject({ type: z.string() });

const stepSchema = z.strictObject({
  name: z.string().min(1),
  /** The fault applied at the step's start and reverted after holdSeconds; none: just observe. */
  fault: faultSpec.optional(),
  /** How long the fault stays (the step's own duration). */
  holdSeconds: z.number().min(0).max(600),
  /** Run the step this many times in a row (each time a fresh random choice of targets). */
  repeat: z.number().int().min(1).max(50).default(1),
  /** Quiet time after each revert, before the next step. */
  gapSeconds: z.number().min(0).max(600).default(0),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase words joined by dashes'),
  description: z.string().min(1),
  /** Topology without the variant: the variant comes from --variant (default: patched). */
  topology: z.record(z.string(), z.unknown()),
  observer: z.strictObject({
    /** Where the STATSZ subscription sits; faults that pick servers spare it. Default: first server. */
    vantage: z.string().optional(),
    intervalMs: z.number().int().min(100).max(10_000).default(500),
  }).prefault({}),
  probe: z.strictObject({
    ratePerSecond: z.number().min(1).max(1000).default(20),
    stallIntervals: z.number().int().min(2).max(1000).default(10),
  }).prefault({}),
  steps: z.array(stepSchema).min(1),
  /** Observation after the last step, so recovery can be seen (and its absence). */
  settleSeconds: z.number().min(0).max(600),
  /**
   * The thresholds that catch the bug this scenario exists for (e.g. `recovery.noneStuck`); every
   * other threshold judged is a guard. A build is "caught" by a scenario only through a detector.
   */
  detectors: z.array(z.string().regex(/^[a-z]+\.[A-Za-z]+$/, 'a threshold key such as recovery.noneStuck')).min(1),
  /** Overrides of the default thresholds (harness/verdict), as plain data. */
  thresholds: z.record(z.string(), z.unknown()).default({}),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Step = Scenario['steps'][number];

export interface LoadedScenario {
  scenario: Scenario;
  topology: Topology;
  /** Each step's fault, its attributes parsed by the fault type's own schema. */
  faults: (TypedFault | undefined)[];
}

/** What parseScenario found: as much as could be parsed, and every problem. */
export interface ScenarioParse {
  scenario?: Scenario;
  topology?: Topology;
  faults: (TypedFault | undefined)[];
  problems: string[];
}

// One path format everywhere (`steps[2].fault.to`, `topology.regions[0].name`): core/problem-path.ts.
export { formatPath, prefixProblem } from '../core/problem-path.ts';

/** Validate a scenario for a variant without throwing: every problem, with its path. */
export function parseScenario(input: unknown, variant: string): ScenarioParse {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) return { faults: [], problems: [...schemaProblems([], parsed.error.issues, input), ...beyondShape(input, variant)] };
  const scenario = parsed.data;
  const problems: string[] = [];

  let topology: Topology | undefined;
  try {
    topology = parseTopology({ ...(scenario.topology as TopologyInput), variant });
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    problems.push(...err.problems.map((p) => prefixProblem(['topology'], p)));
  }
  const faults = scenario.steps.map((step, i) => parseFault(step.fault, ['steps', i, 'fault'], problems));
  if (topology && scenario.observer.vantage !== undefined) {
    const names = serversOf(topology).map((s) => s.name);
    if (!names.includes(scenario.observer.vantage)) problems.push(`observer.vantage: "${scenario.observer.vantage}" is not a server; allowed: ${names.join(', ')}`);
  }
  return { scenario, topology, faults, problems };
}

/**
 * What the scenario schema does not look into (the topology, each step's fault attributes), checked
 * even when its shape is wrong elsewhere, so one run lists every problem.
 */
function beyondShape(input: unknown, variant: string): string[] {
  const problems: string[] = [];
  if (!isRecord(input)) return problems;
  if (isRecord(input.topology)) {
    try {
      parseTopology({ ...input.topology, variant });
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      problems.push(...err.problems.map((p) => prefixProblem(['topology'], p)));
    }
  }
  if (Array.isArray(input.steps)) {
    input.steps.forEach((step: unknown, i) => {
      if (isRecord(step) && isRecord(step.fault) && typeof step.fault.type === 'string') parseFault(step.fault as Step['fault'], ['steps', i, 'fault'], problems);
    });
  }
  return problems;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFault(spec: Step['fault'], at: PropertyKey[], problems: string[]): TypedFault | undefined {
  if (!spec) return undefined;
  const { type, ...attributes } = spec;
  if (!Object.hasOwn(FAULTS, type)) {
    problems.push(problemAt([...at, 'type'], `"${type}" is not a fault; one of ${FAULT_NAMES.join(', ')}`));
    return undefined;
  }
  const name = type as FaultName;
  const r = FAULTS[name].attributes.safeParse(attributes);
  if (!r.success) {
    problems.push(...schemaProblems(at, r.error.issues, attributes));
    return undefined;
  }
  return { type: name, attributes: r.data } as TypedFault;
}

/** Seconds the scenario runs once the cluster is up (for progress and time-left). */
export function scenarioSeconds(s: Scenario): number {
  return s.steps.reduce((acc, st) => acc + st.repeat * (st.holdSeconds + st.gapSeconds), 0) + s.settleSeconds;
}
