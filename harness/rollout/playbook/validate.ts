// Validate a playbook (already parsed from YAML or JSON): shapes first, then every name against its
// registry and the topology. Every problem is collected, with its path and what is allowed, and
// thrown together as one BadInputError.
import path from 'node:path';
import type { z } from 'zod';
import { BadInputError } from '../../../core/errors.ts';
import { prefixProblem } from '../../../core/problem-path.ts';
import { parseTopology, presets, serversOf, type PresetName, type Topology, type TopologyInput } from '../../../clusters/index.ts';
import { resolveVariantAlias, VARIANT_ALIASES } from '../../variants/aliases.ts';
import { problem, zodProblems, type Problems } from './problem-path.ts';
import { playbookSchema, stageSchema, type StageKind } from './schema.ts';
import type { Playbook, PlaybookCluster, Stage } from './types.ts';
import { externalPlan } from './external-servers.ts';
import { validateHooks } from './validate-hooks.ts';
import { validateStage, withoutFailedFields } from './validate-stage.ts';
import { withoutFailed } from './without-failed.ts';

/**
 * The top level with every failed field dropped or stood in for, so the stages are still checked.
 * Stand-ins never produce problems of their own: an attached cluster (no names to check) and
 * placeholder variants (the baseline/target comparison is skipped).
 */
function lenientTop(input: unknown, error: z.ZodError): z.output<typeof playbookSchema> | undefined {
  const copy = withoutFailed(input, error);
  if (!copy) return undefined;
  const standIn = { name: 'playbook', cluster: { attach: 'latest' }, baseline: 'baseline', target: 'target' };
  const again = playbookSchema.safeParse({ ...standIn, ...copy });
  return again.success ? again.data : undefined;
}

const DEFAULT_STAGES: { kind: StageKind }[] = [{ kind: 'canary' }, { kind: 'region' }, { kind: 'global' }];

/** Validate `input`; `source` (a file name) heads the error. Throws BadInputError listing every problem. */
export interface ValidateOptions {
  /** The environment an external cluster file's secret variables are read from (default process.env). */
  clusterEnv?: NodeJS.ProcessEnv;
}

export function validatePlaybook(input: unknown, source: string, opts: ValidateOptions = {}): Playbook {
  const problems: Problems = [];
  const top = playbookSchema.safeParse(input);
  let pb: z.output<typeof playbookSchema>;
  let whole = true;
  if (top.success) pb = top.data;
  else {
    problems.push(...zodProblems([], top.error, input));
    const lenient = lenientTop(input, top.error);
    if (!lenient) throw invalid(source, problems);
    pb = lenient;
    whole = false;
  }

  const baseline = resolveVariantAlias(pb.baseline);
  const target = resolveVariantAlias(pb.target);
  if (whole && baseline === target) problems.push(problem(['target'], `"${pb.target}" is the baseline too; the target must be another variant (aliases: ${Object.entries(VARIANT_ALIASES).map(([a, v]) => `${a}=${v}`).join(', ')})`));

  const cluster = validateCluster(pb.cluster, baseline, source, problems, opts.clusterEnv);
  const topology = cluster?.kind === 'topology' ? cluster.topology : undefined;
  const servers = topology ? serversOf(topology) : cluster?.kind === 'external' ? cluster.servers : undefined;

  const rawStages = pb.stages ?? DEFAULT_STAGES;
  const stages: Stage[] = [];
  rawStages.forEach((raw, i) => {
    const parsed = stageSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...zodProblems(['stages', i], parsed.error, raw));
      // Still check what did parse (faults, gates, settings), so one run lists every problem.
      const lenient = withoutFailedFields(raw, parsed.error);
      if (lenient) validateStage(lenient.stage, i, servers, problems, lenient.kindKnown);
      return;
    }
    const stage = validateStage(parsed.data, i, servers, problems, true);
    if (stage) stages.push(stage);
  });
  checkStageOrder(rawStages.map((s) => (typeof s === 'object' && s !== null ? (s as { kind?: StageKind }).kind : undefined)), problems);
  const seen = new Map<string, number>();
  stages.forEach((s, i) => {
    if (seen.has(s.name)) problems.push(problem(['stages', i, 'name'], `duplicate stage name "${s.name}" (also stages[${seen.get(s.name)}]); give each stage its own name`));
    seen.set(s.name, i);
  });

  const lameDuck = oneLameDuck(stages, problems);
  if (lameDuck && cluster?.kind === 'external') sameLameDuck(lameDuck, cluster, stages, problems);
  const externalGiven = pb.cluster.external !== undefined;
  const rawTop = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const hooks = validateHooks({ hooks: pb.hooks, raw: rawTop.hooks, expectVersion: pb.expectVersion, rawExpectVersion: rawTop.expectVersion, external: externalGiven, workDir: path.dirname(path.resolve(source)), baseline, target, stages }, problems);
  if (problems.length || !cluster || !whole) throw invalid(source, problems);
  const withLameDuck = lameDuck && cluster.kind === 'topology' ? { ...cluster, topology: { ...cluster.topology, lameDuck } } : cluster;
  const planned = withLameDuck.kind === 'external' ? { kind: 'external' as const, file: withLameDuck.file } : withLameDuck;
  return {
    name: pb.name, ...(pb.description !== undefined ? { description: pb.description } : {}), cluster: planned, baseline, target, ...(pb.seed !== undefined ? { seed: pb.seed } : {}), stages,
    ...(hooks ? { hooks } : {}),
  };
}

/**
 * nats-server fixes lame_duck_duration and lame_duck_grace_period when it starts (a config reload
 * refuses them), so a rollout boots its servers with the one lame duck its stages use: every stage
 * with lame duck on must agree. Returns it, or undefined when no stage uses lame duck.
 */
function oneLameDuck(stages: readonly Stage[], problems: Problems): { durationSeconds: number; graceSeconds: number } | undefined {
  const on = stages.map((s, i) => ({ i, ld: s.upgrade.lameDuck })).filter((x) => x.ld.enabled);
  const first = on[0];
  if (!first) return undefined;
  const { durationSeconds, graceSeconds } = first.ld;
  if (!Number.isInteger(durationSeconds)) problems.push(problem(['stages', first.i, 'upgrade', 'lameDuck', 'durationSeconds'], `${durationSeconds}: a whole number of seconds`));
  if (!Number.isInteger(graceSeconds) || graceSeconds < 1) problems.push(problem(['stages', first.i, 'upgrade', 'lameDuck', 'graceSeconds'], `${graceSeconds}: a whole number of seconds ≥ 1 (nats-server reads 0 as its default of 10 s)`));
  if (graceSeconds >= durationSeconds) problems.push(problem(['stages', first.i, 'upgrade', 'lameDuck', 'graceSeconds'], `${graceSeconds}: less than durationSeconds (${durationSeconds})`));
  for (const x of on.slice(1)) {
    if (x.ld.durationSeconds !== durationSeconds || x.ld.graceSeconds !== graceSeconds) {
      problems.push(problem(['stages', x.i, 'upgrade', 'lameDuck'], `duration ${x.ld.durationSeconds} s, grace ${x.ld.graceSeconds} s differ from stages[${first.i}] (${durationSeconds} s, ${graceSeconds} s): nats-server fixes both when it starts (a config reload cannot change them), so every stage with lame duck uses the same`));
    }
  }
  return { durationSeconds, graceSeconds };
}

type CheckedCluster = Exclude<PlaybookCluster, { kind: 'external' }> | ({ kind: 'external'; file: string } & ReturnType<typeof externalPlan>);

/** nats-server cannot change its lame duck at run time: the stages must ask for what the external servers run with. */
function sameLameDuck(asked: { durationSeconds: number; graceSeconds: number }, c: ReturnType<typeof externalPlan>, stages: readonly Stage[], problems: Problems): void {
  const has = c.lameDuck;
  if (asked.durationSeconds === has.durationSeconds && asked.graceSeconds === has.graceSeconds) return;
  const i = stages.findIndex((s) => s.upgrade.lameDuck.enabled);
  problems.push(problem(['stages', i, 'upgrade', 'lameDuck'], `duration ${asked.durationSeconds} s, grace ${asked.graceSeconds} s; the servers run with ${has.durationSeconds} s / ${has.graceSeconds} s (${c.lameDuckGiven ? "the cluster file's lameDuck" : "nats-server's defaults: the cluster file sets no lameDuck"}), which nats-server cannot reload: ask for those, set the cluster file's lameDuck to what the servers' configs say, or enabled: false`));
}

function validateCluster(c: z.output<typeof playbookSchema>['cluster'], baseline: string, source: string, problems: Problems, env?: NodeJS.ProcessEnv): CheckedCluster | undefined {
  const given = (['topology', 'preset', 'attach', 'external'] as const).filter((k) => c[k] !== undefined);
  if (given.length !== 1) {
    problems.push(problem(['cluster'], `name exactly one of topology, preset, attach or external (got ${given.length ? given.join(' and ') : 'none'})`));
    return undefined;
  }
  if (c.external !== undefined) {
    if (c.backend !== undefined) problems.push(problem(['cluster', 'backend'], 'an external cluster runs where its operators run it; remove backend'));
    // Relative to the playbook's folder, so a playbook and its cluster file travel together.
    const file = path.resolve(path.dirname(path.resolve(source)), c.external);
    try {
      return { kind: 'external', file, ...externalPlan(file, env) };
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      const list = err.problems.length ? err.problems : [err.message];
      // Each names the cluster file already (its path, then the field).
      problems.push(...list.map((p) => problem(['cluster', 'external'], p)));
      return undefined;
    }
  }
  if (c.attach !== undefined) {
    if (c.backend !== undefined) problems.push(problem(['cluster', 'backend'], 'an attached cluster runs where it was started; remove backend'));
    return { kind: 'attach', id: c.attach };
  }
  let input: TopologyInput;
  if (c.preset !== undefined) {
    const p = Object.hasOwn(presets, c.preset) ? presets[c.preset as PresetName] : undefined;
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
    const at = ['cluster', c.preset !== undefined ? 'preset' : 'topology'];
    problems.push(...err.problems.map((p) => prefixProblem(at, p)));
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

function invalid(source: string, problems: string[]): BadInputError {
  return new BadInputError(`playbook ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
    problems,
    hint: 'fix every problem listed; examples/rollout-*.yaml are valid playbooks',
  });
}
