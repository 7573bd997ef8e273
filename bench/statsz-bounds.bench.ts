// Where the STATSZ bounds come from: statsz-storm (one restart per region, one at a time) and
// mass-restart (half the servers at once), stock vs patched, at 6, 9, 12, 24 and 48 servers, each
// judged with the default thresholds. For each size the two STATSZ detectors must fail stock and
// pass patched; the table shows each build's figure beside the bound, so the margin on each side
// is visible. BROWNOUT_BENCH_SIZES (e.g. `6,24`) and BROWNOUT_BENCH_SCENARIOS narrow the matrix.
// BROWNOUT_BENCH_FROM_RUNS=<file> judges runs already made instead (a JSON list of
// { scenario, servers, variant, runDir }), with today's verdict code: the result says so.
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTimeline } from '../harness/timeline/index.ts';
import { runScenario } from '../harness/run/execute-plan.ts';
import { judge } from '../harness/verdict/judge.ts';
import { SCENARIOS } from '../chaos/scenarios/index.ts';
import { DEFAULT_THRESHOLDS } from '../harness/verdict/thresholds.ts';

/** Servers → regions × servers per region (regions run 3, 4 or 6 wide as the size grows). */
const SHAPES: Record<number, { regions: string[]; servers: number }> = {
  6: { regions: ['iad', 'lhr', 'syd'], servers: 2 },
  9: { regions: ['iad', 'lhr', 'syd'], servers: 3 },
  12: { regions: ['iad', 'lhr', 'syd'], servers: 4 },
  24: { regions: ['iad', 'lhr', 'syd', 'fra'], servers: 6 },
  48: { regions: ['iad', 'lhr', 'syd', 'fra', 'sin', 'gru'], servers: 8 },
};
const KEYS = ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'] as const;

interface Cell { scenario: string; servers: number; variant: string; runDir: string; pass: boolean; observed: Record<string, number | null>; failed: string[] }

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const fromRunsList = process.env.BROWNOUT_BENCH_FROM_RUNS ? listed(process.env.BROWNOUT_BENCH_FROM_RUNS) : undefined;
  const sizes = fromRunsList ? [...new Set(fromRunsList.map((r) => r.servers))] : (process.env.BROWNOUT_BENCH_SIZES ?? '6,9,12,24,48').split(',').map(Number);
  const scenarios = fromRunsList ? [...new Set(fromRunsList.map((r) => r.scenario))] : (process.env.BROWNOUT_BENCH_SCENARIOS ?? 'statsz-storm,mass-restart').split(',');
  const variants = [DEFAULT_NATS_TAG, patchedName(DEFAULT_NATS_TAG)];
  const progress = createProgress('statsz-bounds');
  const fromRuns = process.env.BROWNOUT_BENCH_FROM_RUNS;
  const cells: Cell[] = fromRuns ? rejudge(fromRuns) : [];
  for (const scenario of fromRuns ? [] : scenarios) {
    for (const servers of sizes) {
      const shape = SHAPES[servers];
      if (!shape) throw new Error(`no shape for ${servers} servers; sizes: ${Object.keys(SHAPES).join(', ')}`);
      for (const variant of variants) {
        const r = await runScenario({ scenario, variant, backend: 'local', seed: 1, topology: shape });
        const observed = Object.fromEntries(KEYS.map((k) => [k, r.verdict.results.find((x) => x.name === k)?.observedValue ?? null]));
        cells.push({ scenario, servers, variant, runDir: r.runDir, pass: r.verdict.pass && !r.incomplete, observed, failed: r.verdict.results.filter((x) => !x.pass).map((x) => x.name) });
        progress.info(`${scenario} ${servers} servers ${variant}: ${KEYS.map((k) => `${k}=${observed[k]}`).join(' ')}${cells.at(-1)!.failed.length ? ` failed ${cells.at(-1)!.failed.join(', ')}` : ''}`);
      }
    }
  }
  const bound = (k: (typeof KEYS)[number]): number => (DEFAULT_THRESHOLDS.statsz as Record<string, number>)[k.split('.')[1]!]!;
  const rows = scenarios.flatMap((scenario) => sizes.filter((n) => cells.some((c) => c.scenario === scenario && c.servers === n)).map((servers) => {
    const of = (v: string) => cells.find((c) => c.scenario === scenario && c.servers === servers && c.variant === v)!;
    const stock = of(variants[0]!);
    const patched = of(variants[1]!);
    const separates = KEYS.map((k) => (stock.observed[k] ?? -1) > bound(k) && (patched.observed[k] ?? Infinity) <= bound(k));
    return { scenario, servers, stock, patched, separates };
  }));
  const markdown = [
    ...(fromRuns ? [`Judged with today's verdict code from runs made earlier (${cells.map((c) => path.basename(c.runDir)).join(', ')}), each \`npm run chaos -- <scenario> --variant <v> --backend local --seed 1 --regions … --servers …\`.`, ''] : []),
    `Local backend, seed 1. Bounds: ${KEYS.map((k) => `\`${k}\` ≤ ${bound(k)}`).join(', ')} (harness/verdict/registry.ts).`,
    'Counts come from the system-account subscription on iad-1 (never restarted), which misses part of what a restarted',
    'server in another region sends before its gateway is up: figures are lower bounds for stock, which only widens the gap.',
    '',
    `| scenario | servers | ${KEYS.map((k) => `${k} stock | patched`).join(' | ')} | both separate |`,
    `| --- | --- | ${KEYS.map(() => '--- | ---').join(' | ')} | --- |`,
    ...rows.map((r) => `| ${r.scenario} | ${r.servers} | ${KEYS.map((k) => `${r.stock.observed[k] ?? 'no data'} | ${r.patched.observed[k] ?? 'no data'}`).join(' | ')} | ${r.separates.every(Boolean) ? 'yes' : `NO (${KEYS.filter((_, i) => !r.separates[i]).join(', ')})`} |`),
    '',
    'Other failed thresholds per run (guards; not what these bounds are about):',
    ...cells.filter((c) => c.failed.some((f) => !(KEYS as readonly string[]).includes(f))).map((c) => `- ${c.scenario} ${c.servers} ${c.variant}: ${c.failed.filter((f) => !(KEYS as readonly string[]).includes(f)).join(', ')}`),
  ].join('\n');
  return { name: 'STATSZ bounds: stock vs patched at 6 to 48 servers', markdown, data: { bounds: Object.fromEntries(KEYS.map((k) => [k, bound(k)])), rows, cells } };
}

interface Listed { scenario: string; servers: number; variant: string; runDir: string }
const listed = (file: string): Listed[] => JSON.parse(readFileSync(file, 'utf8')) as Listed[];

/** Judge runs made earlier, from their timelines, with the scenario's detectors and default thresholds. */
function rejudge(file: string): Cell[] {
  return listed(file).map((r) => {
    const { records } = parseTimeline(readFileSync(path.join(r.runDir, 'timeline.ndjson'), 'utf8'));
    const v = judge(records, DEFAULT_THRESHOLDS, { detectors: SCENARIOS[r.scenario as keyof typeof SCENARIOS].detectors });
    const observed = Object.fromEntries(KEYS.map((k) => [k, v.results.find((x) => x.name === k)?.observedValue ?? null]));
    return { ...r, pass: v.pass && !v.incomplete, observed, failed: v.results.filter((x) => !x.pass).map((x) => x.name) };
  });
}
