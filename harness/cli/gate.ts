// npm run gate [-- --variant NAME --backend ... --seed N]: the release gate. Runs the gate suite and
// exits non-zero when any threshold of any scenario fails. Meant for CI.
import { Command } from 'commander';
import Table from 'cli-table3';
import { EXIT } from '../../core/errors.ts';
import { createProgress } from '../../core/progress.ts';
import { runScenario, scenarioByName, type RunResult } from '../run/run-scenario.ts';
import { GATE_SUITE } from '../../chaos/scenarios/index.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../../core/layout.ts';
import type { BackendChoice } from '../../clusters/index.ts';
import { variantFromPatches } from '../variants/from-patches.ts';
import { aliasVariant, describeRun, parseSeed, thresholdOverrides } from './chaos.ts';

export interface GateArgs {
  variant?: string;
  backend?: BackendChoice;
  seed?: number;
  scenarios?: string[];
  threshold?: string[];
  thresholds?: string;
  write?: (line: string) => void;
}

export interface GateResult {
  pass: boolean;
  interrupted: boolean;
  runs: RunResult[];
}

export async function gate(a: GateArgs): Promise<GateResult> {
  const write = a.write ?? ((l: string) => process.stdout.write(l + '\n'));
  const variant = a.variant ?? patchedName(DEFAULT_NATS_TAG);
  const scenarios = a.scenarios ?? GATE_SUITE;
  for (const s of scenarios) scenarioByName(s, variant);
  const overrides = thresholdOverrides(a);
  const runs: RunResult[] = [];
  for (const scenario of scenarios) {
    const r = await runScenario({ scenario, variant, backend: a.backend, seed: a.seed, thresholds: overrides, progress: createProgress(`gate ${scenario}`) });
    runs.push(r);
    write(describeRun(r));
    if (r.interrupted) return { pass: false, interrupted: true, runs };
  }
  const table = new Table({ style: { head: [], border: [] }, head: ['scenario', 'variant', 'verdict', 'failed thresholds', 'results'] });
  for (const r of runs) {
    const failed = r.verdict.results.filter((t) => !t.pass).map((t) => t.name);
    table.push([r.scenario, r.variant, r.incomplete ? 'INCOMPLETE' : r.verdict.pass ? 'PASS' : 'FAIL', failed.join(', ') || '-', r.runDir]);
  }
  const pass = runs.every((r) => r.verdict.pass && !r.incomplete);
  write(`\nrelease gate for ${variant}: ${pass ? 'PASS' : 'FAIL'}\n${table.toString()}`);
  return { pass, interrupted: false, runs };
}

export function command(): Command {
  return new Command('gate')
    .description(`Release gate: run ${GATE_SUITE.join(', ')} on a variant; exit 0 only if every threshold passes`)
    .option('--variant <name>', 'variant to gate (stock and patched are aliases)', patchedName(DEFAULT_NATS_TAG))
    .option('--patches <dir>', 'gate the variant of this folder of *.patch files on the tag of --variant (built or reused from the cache)')
    .option('--backend <backend>', 'auto, local or docker', 'auto')
    .option('--seed <n>', 'seed for every random choice')
    .option('--scenario <name>', 'run only these scenarios (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--threshold <key=value>', 'override one threshold (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--thresholds <file>', 'JSON file of threshold overrides')
    .action(async (o: { variant: string; patches?: string; backend: BackendChoice; seed?: string; scenario: string[]; threshold: string[]; thresholds?: string }) => {
      const r = await gate({ variant: o.patches ? await variantFromPatches(o.patches, aliasVariant(o.variant), o.backend) : aliasVariant(o.variant), backend: o.backend, seed: parseSeed(o.seed), scenarios: o.scenario.length ? o.scenario : undefined, threshold: o.threshold, thresholds: o.thresholds });
      process.exitCode = r.interrupted ? 130 : r.pass ? EXIT.pass : EXIT.thresholdFailed;
    });
}
