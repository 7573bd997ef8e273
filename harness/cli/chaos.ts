// npm run chaos -- <scenario> [--variant NAME] [--backend auto|local|docker] [--seed N]
//                 [--threshold key=value ...] [--thresholds FILE] [--compare stock,patched]
import { Command } from 'commander';
import { BadInputError, EXIT } from '../../core/errors.ts';
import { createProgress } from '../../core/progress.ts';
import { runScenario, scenarioByName, type RunResult, type TopologyOverride } from '../run/run-scenario.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { applyThresholdFlags, parseThresholdFile, type Thresholds } from '../verdict/thresholds.ts';
import { renderComparison, renderVerdictTable } from '../report/index.ts';
import { resolveVariantAlias } from '../variants/aliases.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import type { BackendChoice } from '../../clusters/index.ts';
import { variantFromPatches } from '../variants/from-patches.ts';

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
  write?: (line: string) => void;
}

/** Exit code for one run: interrupted 130, incomplete or failed 1, else 0. */
export function exitCodeFor(r: RunResult): number {
  if (r.interrupted) return 130;
  return r.verdict.pass && !r.incomplete ? EXIT.pass : EXIT.thresholdFailed;
}

export function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) throw new BadInputError(`--seed ${raw} is not a whole number in 0..4294967295`);
  return n;
}

/** Thresholds from --thresholds FILE then --threshold flags, each validated (every problem listed). */
export function thresholdOverrides(a: Pick<ChaosArgs, 'threshold' | 'thresholds'>): Thresholds[] {
  const out: Thresholds[] = [];
  if (a.thresholds) out.push(parseThresholdFile(a.thresholds));
  if (a.threshold?.length) out.push(applyThresholdFlags({}, a.threshold));
  return out;
}

export function describeRun(r: RunResult): string {
  const head = `${r.scenario} on ${r.variant} (${r.backend} backend, seed ${r.seed}): ${r.interrupted ? 'INTERRUPTED' : r.incomplete ? 'INCOMPLETE' : r.verdict.pass ? 'PASS' : 'FAIL'}`;
  return [head, renderVerdictTable(r.verdict), `results: ${r.runDir}/ (summary.md, summary.json, junit.xml, timeline.ndjson, logs/)`].join('\n');
}

export async function chaos(a: ChaosArgs): Promise<number> {
  const write = a.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const overrides = thresholdOverrides(a);
  const variants = a.compare ? a.compare.split(',').map((v) => v.trim()).filter(Boolean).map(aliasVariant) : [a.variant ?? patchedName(DEFAULT_NATS_TAG)];
  if (a.compare && variants.length !== 2) throw new BadInputError(`--compare ${a.compare}: give two variants, e.g. stock,patched`);
  const topology = topologyOverride(a);
  for (const v of variants) scenarioByName(a.scenario, v, topology); // bad names and scenario data fail before anything starts
  const results: RunResult[] = [];
  for (const variant of variants) {
    const r = await runScenario({ scenario: a.scenario, variant, backend: a.backend, seed: a.seed, thresholds: overrides, topology, progress: createProgress(`chaos ${a.scenario}`) });
    results.push(r);
    write(describeRun(r));
    if (r.interrupted) return 130;
  }
  if (results.length === 2) {
    const [x, y] = results as [RunResult, RunResult];
    write(`\n${a.scenario}: ${x.variant} vs ${y.variant} (ratio = ${y.variant} / ${x.variant})`);
    write(renderComparison({ variant: x.variant, verdict: x.verdict }, { variant: y.variant, verdict: y.verdict }));
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
    .addHelpText('after', `\nScenarios:\n${SCENARIO_NAMES.map((n) => `  ${n.padEnd(16)} ${SCENARIOS[n].description}`).join('\n')}`)
    .action(async (scenario: string, o: { variant: string; patches?: string; backend: BackendChoice; seed?: string; threshold: string[]; thresholds?: string; compare?: string; regions?: string; servers?: string }) => {
      process.exitCode = await chaos({
        scenario, variant: o.patches ? await variantFromPatches(o.patches, aliasVariant(o.variant), o.backend) : aliasVariant(o.variant), backend: o.backend, seed: parseSeed(o.seed), threshold: o.threshold, thresholds: o.thresholds,
        compare: o.compare, regions: o.regions, servers: o.servers === undefined ? undefined : Number(o.servers),
      });
    });
}
