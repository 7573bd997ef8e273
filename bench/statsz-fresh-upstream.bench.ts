// Upstream's own STATSZ limit bug (nats-server v2.12.11: statszReq passed `s.wrapChk(s.resetLastStatsz)`
// without calling it, so a forced broadcast was not let past the limit; fixed in v2.12.12), judged
// by statsz.fresh the way statsz-fresh.bench.ts judges our builds: statsz-storm on both tags, seeds
// 1..N (BROWNOUT_BENCH_SEEDS, default 4), local backend. Read in the code, the limit reschedules the
// heartbeat to the end of its 1 s window, so the update is delayed, not lost: a 3 s bound should pass.
import { createProgress } from '../core/progress.ts';
import { buildVariant } from '../harness/variants/variant.ts';
import { freshTable } from './statsz-fresh.bench.ts';

export const UPSTREAM_LIMIT_TAGS = ['v2.12.11', 'v2.12.12'];

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('statsz-fresh-upstream');
  const n = Number(process.env.BROWNOUT_BENCH_SEEDS ?? 4);
  for (const tag of UPSTREAM_LIMIT_TAGS) await buildVariant({ tag, patches: 'none' }, { progress });
  const { markdown, rows } = await freshTable(UPSTREAM_LIMIT_TAGS, n, progress);
  return { name: 'statsz.fresh on upstream v2.12.11 (limit bug) and v2.12.12 (fixed)', markdown, data: rows };
}
