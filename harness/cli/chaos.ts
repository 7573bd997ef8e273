// npm run chaos -- <scenario> [--variant NAME] [--backend auto|local|docker] [--seed N]
//                 [--threshold key=value ...] [--thresholds FILE] [--compare stock,patched]
//                 [--regions a,b --servers N] [--attach <cluster id|latest|compose>] [--metrics-port N|0|off]
import { Command } from 'commander';
import { Registry } from 'prom-client';
import { BadInputError, EXIT } from '../../core/errors.ts';
import { oneLine, prefixProblem, problemAt, showValue } from '../../core/problem-path.ts';
import { runIdProblem } from '../../core/run-id.ts';
import { createProgress } from '../../core/progress.ts';
import { backendProblem, executePlan, planRun, type PlanInput, type RunPlan, type RunResult, type TopologyOverride } from '../run/index.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { renderComparison, renderVerdictTable, writeComparisonReport } from '../report/index.ts';
import { runWord } from '../verdict/result.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import path from 'node:path';
import { findAttachable, MAX_SERVERS_PER_REGION, parseTopology, statesDir, type BackendChoice, type Topology } from '../../clusters/index.ts';
import { resolveVariantAlias } from '../variants/aliases.ts';
import { variantFromPatches } from '../variants/from-patches.ts';
import { metricsPortOption, parseMetricsPort, serveMetrics, type MetricsPort } from './metrics-port.ts';

export interface ChaosArgs {
  scenario: string;
  variant?: string;
  backend?: BackendChoice;
  seed?: number;
  threshold?: string[];
  thresholds?: string;
  compare?: string;
  /** Override the scenario's regions (`iad,lhr`) and servers per region. */
  regions?: string;
  servers?: number;
  /** Run on a cluster left running by `cluster up`: its run id, or `latest`. */
  attach?: string;
  /** Default here: off (the CLI's default is 9477). */
  metricsPort?: MetricsPort;
  write?: (line: string) => void;
}

/** Exit code for one run: interrupted 130 (143 on SIGTERM), incomplete or failed 1, else 0. */
export function exitCodeFor(r: RunResult): number {
  if (r.interrupted) return r.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  return r.verdict.pass && !r.incomplete ? EXIT.pass : EXIT.thresholdFailed;
}

/** `--seed`: digits only, so `''`, ` 7`, `1e3` and `0x10` are refused rather than read as numbers. */
export function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n < 2 ** 32)) throw new BadInputError(`--seed ${JSON.stringify(raw)} is not a seed`, { problems: [`--seed: ${JSON.stringify(raw)} is not a whole number; allowed: 0..4294967295`] });
  return n;
}

/** `--servers`: digits only (`''` and `3x` are not 3, nor NaN for the topology to puzzle over); the range is the topology's. */
export function parseServers(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw new BadInputError(`--servers ${JSON.stringify(raw)} is not a number`, { problems: [`--servers: ${JSON.stringify(raw)} is not a whole number; allowed: 1..${MAX_SERVERS_PER_REGION}`] });
  return Number(raw);
}

/** `value` from `parse`, or undefined with its problems added to `problems` (flags are checked together). */
export function collectFlag<T>(parse: () => T, problems: string[]): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    problems.push(...(err.problems.length ? err.problems : [err.message]));
    return undefined;
  }
}

/**
 * `--attach`: a run id (the one rule of core/run-id.ts: it names a file under runs/ and cannot leave
 * it), `latest` or `compose`, resolved to the cluster it names. Problems go to `problems`.
 */
export function attachTarget(attach: string | undefined, problems: string[]): PlanInput['attached'] {
  if (attach === undefined) return undefined;
  const bad = runIdProblem(attach);
  if (bad) return void problems.push(`--attach: ${bad}; or latest, or compose`);
  try {
    return checkedTarget(findAttachable(attach), problems);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    // `no cluster run "x"`, then what there is to attach to.
    problems.push(`--attach: ${err.message}`, ...err.problems);
    return undefined;
  }
}

/**
 * What a state file says about a cluster, checked before a plan trusts it: a file another process
 * wrote (or a disk) may hold anything. Each problem names the file.
 */
function checkedTarget(t: { runId: unknown; topology: unknown; backend: unknown }, problems: string[]): PlanInput['attached'] {
  const file = typeof t.runId === 'string' && !runIdProblem(t.runId) ? path.join(statesDir(), `${t.runId}.json`) : 'the cluster state file';
  const bad: string[] = [];
  const idProblem = runIdProblem(t.runId);
  if (idProblem) bad.push(problemAt(['runId'], idProblem));
  if (t.backend !== 'local' && t.backend !== 'docker') bad.push(problemAt(['backend'], `${showValue(t.backend)}; allowed: local, docker`));
  let topology: Topology | undefined;
  try {
    topology = parseTopology(t.topology);
  } catch (err) {
    if (!(err instanceof BadInputError)) throw err;
    bad.push(...err.problems.map((p) => prefixProblem(['topology'], p)));
  }
  if (bad.length || !topology) {
    problems.push(`--attach: ${file} does not describe a cluster (${bad.length} problem${bad.length === 1 ? '' : 's'})`, ...bad.map((p) => `${file}: ${p}`));
    return undefined;
  }
  return { runId: t.runId as string, topology, backend: t.backend as 'local' | 'docker' };
}

/** Every problem of every flag and every run at once, as one BadInputError; nothing has started. */
export function throwProblems(what: string, problems: string[]): void {
  // One line each, whatever a flag held (a newline in --attach is quoted, not printed).
  if (problems.length) throw new BadInputError(`${oneLine(what)}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing started`, { problems: problems.map(oneLine) });
}

export function describeRun(r: RunResult): string {
  const head = `${r.scenario} on ${r.variant} (${r.backend} backend${r.attachedTo ? `, attached to ${r.attachedTo}` : ''}, seed ${r.seed}): ${runWord({ pass: r.verdict.pass, incomplete: r.incomplete, interrupted: r.interrupted })}`;
  return [head, renderVerdictTable(r.verdict), `results: ${r.runDir}/ (summary.md, summary.json, junit.xml, report.html, timeline.ndjson, logs/)`].join('\n');
}

/**
 * Every run this command will make, planned before anything starts (no build, no run folder, no
 * cluster): the problems of the flags (`earlier`: ones the command line found) and of every run at once.
 */
export function planChaos(a: ChaosArgs, earlier: readonly string[] = []): RunPlan[] {
  const problems = [...earlier];
  const variants = a.compare ? a.compare.split(',').map((v) => v.trim()).filter(Boolean).map(aliasVariant) : [aliasVariant(a.variant ?? patchedName(DEFAULT_NATS_TAG))];
  if (a.compare !== undefined && variants.length !== 2) problems.push(`--compare: ${JSON.stringify(a.compare)}; allowed: two variants, e.g. stock,patched`);
  if (a.compare !== undefined && a.attach !== undefined) problems.push('--attach: not with --compare (it runs two builds; an attached cluster runs one)');
  const backend = backendProblem(a.backend, '--backend');
  if (backend) problems.push(backend);
  const attached = attachTarget(a.attach, problems);
  const plans = variants.flatMap((variant) => collectFlag(() => [planRun({
    scenario: a.scenario, variant, backend: backend ? undefined : a.backend, seed: a.seed, topology: topologyOverride(a), attached,
    thresholds: { file: a.thresholds, flags: a.threshold },
  })], problems) ?? []);
  throwProblems(`chaos ${a.scenario}`, [...new Set(problems)]);
  return plans;
}

export async function chaos(a: ChaosArgs): Promise<number> {
  const write = a.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const plans = planChaos(a);
  const registry = new Registry();
  const metrics = await serveMetrics(a.metricsPort ?? 'off', registry, write);
  const results: RunResult[] = [];
  try {
    for (const plan of plans) {
      const r = await executePlan(plan, { registry, progress: createProgress(`chaos ${a.scenario}`) });
      results.push(r);
      write(describeRun(r));
      if (r.interrupted) return exitCodeFor(r);
    }
  } finally {
    await metrics?.stop();
  }
  if (results.length === 2) {
    const [x, y] = results as [RunResult, RunResult];
    write(`\n${a.scenario}: ${x.variant} vs ${y.variant} (ratio = ${y.variant} / ${x.variant})`);
    write(renderComparison({ variant: x.variant, verdict: x.verdict }, { variant: y.variant, verdict: y.verdict }));
    write(`both runs overlaid: ${writeComparisonReport(x.runDir, y.runDir)}`);
  }
  // With --compare the verdict that counts is the second variant's (the candidate).
  return exitCodeFor(results[results.length - 1]!);
}

/** `--regions a,b --servers N` as a topology override (validated with the scenario). */
export function topologyOverride(a: Pick<ChaosArgs, 'regions' | 'servers'>): TopologyOverride | undefined {
  if (a.regions === undefined && a.servers === undefined) return undefined;
  return { regions: a.regions?.split(',').map((r) => r.trim()), servers: a.servers };
}

/** `stock`, `patched`, `statsz-only`, `gateway-only`: harness/variants/aliases.ts. */
export function aliasVariant(v: string): string {
  return resolveVariantAlias(v);
}

interface ChaosFlags {
  variant: string; patches?: string; backend: BackendChoice; seed?: string; threshold: string[]; thresholds?: string; compare?: string;
  regions?: string; servers?: string; attach?: string; metricsPort: string;
}

export function command(): Command {
  return new Command('chaos')
    .description('Run a chaos scenario against a super-cluster and print its verdict')
    .argument('<scenario>', `one of ${SCENARIO_NAMES.join(', ')}`)
    .option('--variant <name>', 'server build: a built variant, a tag (v2.10.16) or <tag>+brownout (built on demand); stock and patched are aliases', patchedName(DEFAULT_NATS_TAG))
    .option('--patches <dir>', 'build (or reuse) the variant of this folder of *.patch files on the tag of --variant, named <tag>+<folder>-<hash8>, and run it')
    .option('--backend <backend>', 'auto (docker when an engine answers), local or docker', 'auto')
    .option('--seed <n>', 'seed for every random choice (printed and recorded)')
    .option('--threshold <key=value>', 'override one threshold, e.g. statsz.maxPerServerPerSecond=4 (repeatable; =null switches it off)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--thresholds <file>', 'JSON file of threshold overrides')
    .option('--regions <a,b,c>', "replace the scenario's regions")
    .option('--servers <n>', "servers per region (default: the scenario's)")
    .option('--compare <a,b>', 'run on two variants and print them side by side, e.g. stock,patched')
    .option('--attach <id|latest|compose>', 'run on a cluster left running by npm run cluster -- up (its run id, or latest), or on the running docker-compose stack (compose: the reserved word; COMPOSE_PROJECT_NAME picks one of several); it keeps running after')
    .addOption(metricsPortOption())
    .addHelpText('after', `\nScenarios:\n${SCENARIO_NAMES.map((n) => `  ${n.padEnd(16)} ${SCENARIOS[n].description}`).join('\n')}`)
    .action(async (scenario: string, o: ChaosFlags) => {
      const problems: string[] = [];
      const args: ChaosArgs = {
        scenario, variant: o.variant, backend: o.backend, seed: collectFlag(() => parseSeed(o.seed), problems), threshold: o.threshold, thresholds: o.thresholds,
        compare: o.compare, regions: o.regions, servers: collectFlag(() => parseServers(o.servers), problems),
        attach: o.attach, metricsPort: collectFlag(() => parseMetricsPort(o.metricsPort), problems),
      };
      if (o.patches !== undefined) {
        if (o.compare !== undefined) problems.push('--patches: not with --compare (it names both builds)');
        if (o.attach !== undefined) problems.push('--patches: not with --attach (the attached cluster already runs its build)');
      }
      // Every problem of the flags and the run at once, before a build that can take minutes.
      planChaos(args, problems);
      if (o.patches !== undefined) args.variant = await variantFromPatches(o.patches, aliasVariant(o.variant), o.backend);
      process.exitCode = await chaos(args);
    });
}
