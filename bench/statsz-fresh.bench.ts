// Where the statsz.fresh bound comes from: statsz-storm (one restart per region, one at a time) on
// stock v2.10.14, patched, and the test-only build whose STATSZ limit drops what it should delay,
// seeds 1..N (BROWNOUT_BENCH_SEEDS, default 5), local backend. Each run is judged at bounds of 1,
// 2, 3 and 5 s: the stale server states at each step end (a server whose newest STATSZ, received by
// then, disagrees with its own /routez or the servers alive, after the change had held that long).
import { createProgress } from '../core/progress.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { runScenario } from '../harness/run/execute-plan.ts';
import { readTimeline } from '../harness/timeline/reader.ts';
import { judge } from '../harness/verdict/judge.ts';
import { resolveVariant, buildVariant } from '../harness/variants/variant.ts';
import { STATSZ_DROP_PATCHES } from '../test/support/build.ts';
import path from 'node:path';

const BOUNDS = [1, 2, 3, 5];

type Row = { variant: string; seed: number; run: string; stale: number[]; judged: number; evidence: string };

/** statsz-storm on each variant, seeds 1..n, local, judged at every bound; and the page for it. */
export async function freshTable(variants: string[], n: number, progress: ReturnType<typeof createProgress>): Promise<{ markdown: string; rows: Row[] }> {
  const rows: Row[] = [];
  for (let seed = 1; seed <= n; seed++) {
    for (const variant of variants) {
      const r = await runScenario({ scenario: 'statsz-storm', variant, backend: 'local', seed });
      const records = await readTimeline(path.join(r.runDir, 'timeline.ndjson'));
      const results = BOUNDS.map((b) => judge(records, { statsz: { freshSeconds: b } }).results[0]!);
      const judged = Number(/^(\d+) server state/.exec(results[2]!.evidence.find((e) => /server state/.test(e)) ?? '')?.[1] ?? 0);
      rows.push({ variant, seed, run: path.basename(r.runDir), stale: results.map((x) => x.observedValue ?? -1), judged, evidence: results[2]!.status === 'fail' ? results[2]!.evidence[0]! : '' });
      progress.info(`seed ${seed} ${variant}: stale at ${BOUNDS.map((b, i) => `${b} s: ${rows.at(-1)!.stale[i]}`).join(', ')} (of ${judged})`);
    }
  }
  const markdown = [
    `statsz-storm, local backend, seeds 1-${n}. Stale server states (of those judged at the step ends) when judged at each bound.`,
    '',
    `| build | seed | ${BOUNDS.map((b) => `stale at ${b} s`).join(' | ')} | judged | run | first stale at 3 s |`,
    `| --- | --- | ${BOUNDS.map(() => '---').join(' | ')} | --- | --- | --- |`,
    ...rows.map((r) => `| ${r.variant} | ${r.seed} | ${r.stale.join(' | ')} | ${r.judged} | ${r.run} | ${r.evidence.replace(/\|/g, '/')} |`),
    '',
    ...variants.map((v) => {
      const mine = rows.filter((r) => r.variant === v);
      return `- ${v}: runs with a stale state at 3 s: ${mine.filter((r) => r.stale[2]! > 0).length}/${mine.length}; at 5 s: ${mine.filter((r) => r.stale[3]! > 0).length}/${mine.length}.`;
    }),
  ].join('\n');
  return { markdown, rows };
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('statsz-fresh');
  const n = Number(process.env.BROWNOUT_BENCH_SEEDS ?? 5);
  await buildVariant({ tag: DEFAULT_NATS_TAG, patches: STATSZ_DROP_PATCHES }, { progress });
  const variants = [DEFAULT_NATS_TAG, patchedName(DEFAULT_NATS_TAG), resolveVariant({ tag: DEFAULT_NATS_TAG, patches: STATSZ_DROP_PATCHES }).name];
  const { markdown, rows } = await freshTable(variants, n, progress);
  return { name: 'statsz.fresh bound', markdown, data: rows };
}
