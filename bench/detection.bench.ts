// How often the gate's verdict comes out as expected, per cell (scenario × variant), over many
// seeds: stock must fail packet-loss and statsz-storm, patched must pass them. Goal: every time.
// BROWNOUT_BENCH_SEEDS sets the number of seeds per cell (default 20; each run takes about a minute).
import { runScenario } from '../harness/run/run-scenario.ts';
import { createProgress } from '../core/progress.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';

const CELLS = [
  { scenario: 'packet-loss', variant: DEFAULT_NATS_TAG, expect: 'fail' },
  { scenario: 'packet-loss', variant: patchedName(DEFAULT_NATS_TAG), expect: 'pass' },
  { scenario: 'statsz-storm', variant: DEFAULT_NATS_TAG, expect: 'fail' },
  { scenario: 'statsz-storm', variant: patchedName(DEFAULT_NATS_TAG), expect: 'pass' },
] as const;

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const seeds = Number(process.env.BROWNOUT_BENCH_SEEDS ?? 20);
  const backend = (process.env.BROWNOUT_BENCH_BACKEND ?? 'local') as 'local' | 'docker';
  const progress = createProgress('detection');
  const rows = [];
  for (const cell of CELLS) {
    const outcomes: { seed: number; pass: boolean; failed: string[]; seconds: number }[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const t0 = Date.now();
      const r = await runScenario({ scenario: cell.scenario, variant: cell.variant, backend, seed });
      outcomes.push({ seed, pass: r.verdict.pass && !r.incomplete, failed: r.verdict.results.filter((t) => !t.pass).map((t) => t.name), seconds: (Date.now() - t0) / 1000 });
      progress.info(`${cell.scenario} ${cell.variant} seed ${seed}: ${outcomes.at(-1)!.pass ? 'pass' : `fail (${outcomes.at(-1)!.failed.join(', ')})`}`);
    }
    const asExpected = outcomes.filter((o) => (o.pass ? 'pass' : 'fail') === cell.expect).length;
    rows.push({ ...cell, seeds, asExpected, rate: asExpected / seeds, outcomes });
  }
  const markdown = [
    `Backend: ${backend}; ${seeds} seeds per cell (1..${seeds}).`,
    '',
    '| scenario | variant | expected | as expected | rate | unexpected seeds |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.scenario} | ${r.variant} | ${r.expect} | ${r.asExpected}/${r.seeds} | ${(r.rate * 100).toFixed(0)}% | ${r.outcomes.filter((o) => (o.pass ? 'pass' : 'fail') !== r.expect).map((o) => `${o.seed} (${o.failed.join(', ') || 'passed'})`).join('; ') || '-'} |`),
  ].join('\n');
  return { name: 'Gate detection rate over seeds', markdown, data: rows };
}
