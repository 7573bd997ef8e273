// npm run bench -- watch: `brownout watch` on super-clusters a shell script started (no state of
// brownout's), stock and patched, at two sizes and the tests' 3×3: a quiet stretch, then someone
// else's mass restart (every server stopped and started at once by the script). Records the STATSZ
// per-server peak in each part, what the watch judged, and how long after the restart began it
// saw statsz.maxPerServerPerSecond fail. It is the evidence that the default bound needs no
// watch-specific setting: it separates the builds at every size measured.
import { setTimeout as sleep } from 'node:timers/promises';
import { attachCluster } from '../clusters/index.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { planThresholds } from '../harness/run/index.ts';
import { watchCluster } from '../harness/run/watch-cluster.ts';
import { recordsOf } from '../harness/timeline/records.ts';
import { slidingPeak, statszTimes } from '../harness/timeline/statsz-times.ts';
import { startScriptCluster } from '../test/support/external-cluster.ts';

const QUIET_MS = 10_000;
const AFTER_MS = 20_000;
const BASE_PORT = 26200;
const CELLS: { variant: string; regions: string[]; servers: number }[] = [];
for (const variant of [DEFAULT_NATS_TAG, patchedName(DEFAULT_NATS_TAG)]) {
  for (const [regions, servers] of [[['iad', 'lhr'], 3], [['iad', 'lhr', 'syd'], 3], [['iad', 'lhr', 'syd'], 4]] as const) CELLS.push({ variant, regions: [...regions], servers });
}

interface Cell {
  variant: string;
  servers: number;
  shape: string;
  quietPeak: number;
  restartPeak: number;
  /** ms from the start of the restart to the first window that failed statsz.maxPerServerPerSecond; null: never. */
  detectedAfterMs: number | null;
  failed: string[];
}

/** Most STATSZ one server ID sent in any 1 s of [from, to). */
function peak(records: ReturnType<typeof recordsOf<'statsz'>>, from: number, to: number): number {
  const byId = new Map<string, number[]>();
  for (const r of records) for (const t of statszTimes(r)) if (t >= from && t < to) byId.set(r.serverId, [...(byId.get(r.serverId) ?? []), t]);
  return Math.max(0, ...[...byId.values()].map((ts) => slidingPeak(ts.sort((a, b) => a - b), 1000).peak));
}

async function cell(c: (typeof CELLS)[number]): Promise<Cell> {
  const cluster = await startScriptCluster({ variant: c.variant, regions: c.regions, servers: c.servers, basePort: BASE_PORT });
  try {
    const view = await attachCluster(`external:${cluster.clusterFile}`, { meshDeadlineMs: 30_000 });
    let restartAt = 0;
    const restart = (async () => {
      await sleep(QUIET_MS);
      restartAt = Date.now();
      await Promise.all(cluster.servers.map(async (s) => {
        await cluster.script$('stop', s.name);
        await cluster.script$('start', s.name, c.variant);
      }));
    })();
    const r = await watchCluster(view, { thresholds: planThresholds({}), windowMs: 30_000, durationMs: QUIET_MS + AFTER_MS, failFast: false, probe: false }, {});
    await restart;
    await view.stop();
    const { readTimeline } = await import('../harness/timeline/reader.ts');
    const records = recordsOf(await readTimeline(`${r.runDir}/timeline.ndjson`), 'statsz');
    const hit = r.failures.find((f) => f.name === 'statsz.maxPerServerPerSecond');
    return {
      variant: c.variant, servers: cluster.servers.length, shape: `${c.regions.length}×${c.servers}`,
      quietPeak: peak(records, r.startedAt, restartAt), restartPeak: peak(records, restartAt, r.endedAt),
      detectedAfterMs: hit ? hit.at - restartAt : null, failed: r.verdict.guardsFailed,
    };
  } finally {
    await cluster.stop();
  }
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const cells: Cell[] = [];
  for (const c of CELLS) cells.push(await cell(c));
  const rows = cells.map((x) => `| ${x.shape} | ${x.servers} | ${x.variant} | ${x.quietPeak} | ${x.restartPeak} | ${x.detectedAfterMs === null ? 'not failed' : `${(x.detectedAfterMs / 1000).toFixed(1)} s`} | ${x.failed.join(', ') || '-'} |`);
  const markdown = [
    `Each cell: a super-cluster started by test/support/external-cluster.sh (gateways direct, ping 1s/2), attached with \`--attach external:FILE\`, watched ${QUIET_MS / 1000} s quiet, then every server stopped and started at once by the script while the watch goes on ${AFTER_MS / 1000} s more (no probe, default thresholds: \`statsz.maxPerServerPerSecond\` ≤ 3, a 30 s window judged every second).`,
    'Peaks: most STATSZ one server ID sent in any 1 s, from the watch\'s own subscription. "Failed after": from the start of the restart to the watch seeing `statsz.maxPerServerPerSecond` fail (what `--fail-fast` exits on; the exit adds the observer stop and the reports, about 2 s).',
    '',
    '| shape | servers | variant | quiet peak | restart peak | statsz.maxPerServerPerSecond failed after | thresholds failed over the watch |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  return { name: 'brownout watch: a mass restart by someone else, stock vs patched', markdown, data: cells };
}
