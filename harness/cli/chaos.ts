// npm run chaos -- <scenario> [--variant NAME] [--backend auto|local|docker] [--seed N]
//                 [--threshold key=value ...] [--thresholds FILE] [--compare stock,patched]
//                 [--regions a,b --servers N] [--attach <cluster id|latest|compose|external:FILE>] [--metrics-port N|0|off]
import { Command } from 'commander';
import { backendProblem, planRun, type RunPlan, type RunResult, type TopologyOverride } from '../run/index.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { renderComparison, writeComparisonReport } from '../report/index.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import type { BackendChoice } from '../../clusters/index.ts';
import { resolveVariantAlias } from '../variants/aliases.ts';
import { variantFromPatches } from '../variants/from-patches.ts';
import { exitCodeFor } from './describe-run.ts';
import { runPlans } from './run-plans.ts';
import { metricsPortOption, parseMetricsPort, type MetricsPort } from './metrics-port.ts';
import { attachTarget, collectFlag, parseSeed, parseServers, throwProblems } from './plan-flags.ts';

export { parseSeed } from './plan-flags.ts';

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
  const { results, interrupted } = await runPlans(planChaos(a), { command: 'chaos', metricsPort: a.metricsPort ?? 'off', write });
  if (interrupted) return exitCodeFor(interrupted);
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

/** `stock`, `patched`, `statsz-only`, `gateway-only`, `latest`, `v2.15`...: harness/variants/aliases.ts. */
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
    .option('--variant <name>', 'server build: a built variant, a tag (v2.10.16) or <tag>+brownout (built on demand); aliases: stock, patched, statsz-only, gateway-only, latest (v2.15.3), v2.11 / v2.12 / v2.14 / v2.15 (newest patch of that minor)', patchedName(DEFAULT_NATS_TAG))
    .option('--patches <dir>', 'build (or reuse) the variant of this folder of *.patch files on the tag of --variant, named <tag>+<folder>-<hash8>, and run it')
    .option('--backend <backend>', 'auto (docker when an engine answers), local, docker or swarm (BROWNOUT_SWARM_HOST)', 'auto')
    .option('--seed <n>', 'seed for every random choice (printed and recorded)')
    .option('--threshold <key=value>', 'override one threshold, e.g. statsz.maxPerServerPerSecond=4 (repeatable; =null switches it off)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--thresholds <file>', 'JSON file of threshold overrides')
    .option('--regions <a,b,c>', "replace the scenario's regions")
    .option('--servers <n>', "servers per region (default: the scenario's)")
    .option('--compare <a,b>', 'run on two variants and print them side by side, e.g. stock,patched')
    .option('--attach <id|latest|compose|external:FILE>', 'run on a cluster left running by npm run cluster -- up (its run id, or latest), on the running docker-compose stack (compose: the reserved word; COMPOSE_PROJECT_NAME picks one of several), or on a cluster brownout did not start, named by a cluster file (external:FILE: server faults refused, link faults only through the Toxiproxy the file names); it keeps running after')
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
