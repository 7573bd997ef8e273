// npm run gate [-- --variant NAME --backend ... --seed N --attach ID|external:FILE --metrics-port N|0|off]: the release gate.
// Plans every scenario of the suite first (every problem of every scenario at once), runs them and
// exits non-zero when any threshold of any scenario fails. Meant for CI.
import { Command } from 'commander';
import Table from 'cli-table3';
import { EXIT } from '../../core/errors.ts';
import { backendProblem, planRun, type RunPlan, type RunResult } from '../run/index.ts';
import { GATE_SUITE } from '../../chaos/scenarios/index.ts';
import { runWord } from '../verdict/result.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import type { BackendChoice } from '../../clusters/index.ts';
import { variantFromPatches } from '../variants/from-patches.ts';
import { aliasVariant } from './chaos.ts';
import { exitCodeFor } from './describe-run.ts';
import { runPlans } from './run-plans.ts';
import { attachTarget, collectFlag, parseSeed, throwProblems } from './plan-flags.ts';
import { metricsPortOption, parseMetricsPort, type MetricsPort } from './metrics-port.ts';

export interface GateArgs {
  variant?: string;
  backend?: BackendChoice;
  seed?: number;
  scenarios?: string[];
  threshold?: string[];
  thresholds?: string;
  /** Run every scenario on this cluster (a `cluster up` run id, latest, or compose) instead of booting one each. */
  attach?: string;
  /** Default here: off (the CLI's default is 9477). */
  metricsPort?: MetricsPort;
  write?: (line: string) => void;
}

export interface GateResult {
  pass: boolean;
  interrupted: boolean;
  runs: RunResult[];
  /** The process exit code this gate stands for. */
  exitCode: number;
}

/**
 * Plan every scenario before anything starts (no build, no run folder, no cluster): the problems of
 * the flags (`earlier`: ones the command line found) once, then each scenario's under its name.
 */
export function planGate(a: GateArgs, earlier: readonly string[] = []): RunPlan[] {
  const problems = [...earlier];
  const backend = backendProblem(a.backend, '--backend');
  if (backend) problems.push(backend);
  const attached = attachTarget(a.attach, problems);
  // An attached cluster runs what it runs: the gate judges that build, and says so if asked for another.
  if (attached && a.variant !== undefined && attached.backend === 'external' && attached.topology.variant === 'unknown') {
    problems.push(`--variant: leave it out with --attach ${attached.runId} (its servers are read when attached, and the gate judges what they run), or name the variant in the cluster file (variant: ${aliasVariant(a.variant)})`);
  } else if (attached && a.variant !== undefined && aliasVariant(a.variant) !== attached.topology.variant) {
    problems.push(`--variant: leave it out with --attach (the attached cluster ${attached.runId} runs ${attached.topology.variant}, and the gate judges that), or attach to a cluster running ${aliasVariant(a.variant)}, not ${JSON.stringify(a.variant)}`);
  }
  const variant = attached?.topology.variant ?? aliasVariant(a.variant ?? patchedName(DEFAULT_NATS_TAG));
  const plans = (a.scenarios ?? GATE_SUITE).flatMap((scenario) => {
    const own: string[] = [];
    const plan = collectFlag(() => planRun({ scenario, variant, backend: backend ? undefined : a.backend, seed: a.seed, attached, thresholds: { file: a.thresholds, flags: a.threshold } }), own);
    const label = /^[a-z][a-z0-9-]*$/.test(scenario) ? scenario : JSON.stringify(scenario);
    problems.push(...own.map((p) => `${label}: ${p}`));
    return plan ? [plan] : [];
  });
  throwProblems('release gate', problems);
  return plans;
}

export async function gate(a: GateArgs): Promise<GateResult> {
  const write = a.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const plans = planGate(a);
  const { results: runs, interrupted } = await runPlans(plans, { command: 'gate', metricsPort: a.metricsPort ?? 'off', write });
  if (interrupted) return { pass: false, interrupted: true, runs, exitCode: exitCodeFor(interrupted) };
  const pass = runs.every((r) => r.verdict.pass && !r.incomplete);
  // An external cluster's variant is known once attached (its /varz): the runs say it.
  write(`\nrelease gate for ${runs[0]?.variant ?? plans[0]?.variant ?? a.variant}: ${runWord({ pass, incomplete: false })}\n${gateRunsTable(runs)}`);
  return { pass, interrupted: false, runs, exitCode: pass ? EXIT.pass : EXIT.thresholdFailed };
}

function gateRunsTable(runs: RunResult[]): string {
  const table = new Table({ style: { head: [], border: [] }, head: ['scenario', 'variant', 'verdict', 'failed thresholds', 'results'] });
  for (const r of runs) {
    const failed = r.verdict.results.filter((t) => !t.pass).map((t) => t.name);
    table.push([r.scenario, r.variant, runWord({ pass: r.verdict.pass, incomplete: r.incomplete }), failed.join(', ') || '-', r.runDir]);
  }
  return table.toString();
}

interface GateFlags {
  variant: string; patches?: string; attach?: string; backend: BackendChoice; seed?: string; scenario: string[]; threshold: string[]; thresholds?: string; metricsPort: string;
}

export function command(): Command {
  return new Command('gate')
    .description(`Release gate: run ${GATE_SUITE.join(', ')} on a variant; exit 0 only if every threshold passes`)
    .option('--variant <name>', 'variant to gate (stock and patched are aliases)', patchedName(DEFAULT_NATS_TAG))
    .option('--patches <dir>', 'gate the variant of this folder of *.patch files on the tag of --variant (built or reused from the cache)')
    .option('--backend <backend>', 'auto, local, docker or swarm (BROWNOUT_SWARM_HOST)', 'auto')
    .option('--seed <n>', 'seed for every random choice')
    .option('--attach <id|latest|compose|external:FILE>', 'run every scenario on a cluster left running by npm run cluster -- up (its run id, or latest), on the running docker-compose stack, or on a cluster named by a cluster file (external:FILE); the gate judges the build it runs')
    .option('--scenario <name>', 'run only these scenarios (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--threshold <key=value>', 'override one threshold (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--thresholds <file>', 'JSON file of threshold overrides')
    .addOption(metricsPortOption())
    .action(async function (this: Command, o: GateFlags) {
      const problems: string[] = [];
      if (o.attach !== undefined && o.patches !== undefined) problems.push('--patches: not with --attach (the attached cluster already runs its build)');
      const variantGiven = this.getOptionValueSource('variant') !== 'default';
      const args: GateArgs = {
        variant: o.attach !== undefined && !variantGiven ? undefined : o.variant,
        backend: o.backend, seed: collectFlag(() => parseSeed(o.seed), problems), scenarios: o.scenario.length ? o.scenario : undefined, attach: o.attach,
        threshold: o.threshold, thresholds: o.thresholds, metricsPort: collectFlag(() => parseMetricsPort(o.metricsPort), problems),
      };
      planGate(args, problems); // every problem of the flags and every scenario before a build that can take minutes
      if (o.patches !== undefined) args.variant = await variantFromPatches(o.patches, aliasVariant(o.variant), o.backend);
      const r = await gate(args);
      process.exitCode = r.exitCode;
    });
}
