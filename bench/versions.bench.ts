// Every current minor of nats-server, stock (`--patches none`), on both backends: boot 3 × 3 to the
// full mesh, packet-loss and statsz-storm with their default thresholds (seed 1), the quiet STATSZ
// rate the statsz detectors subtract (from each statsz-storm run: every server's rate outside the
// restart windows, as statsz.maxExcessPerRestart computes it), and, on the local backend, a 70 s run
// without faults giving each build's steady heartbeat (judged from 20 s after the first step, past the
// startup ramp of 250 ms doubling up to the heartbeat). WRN/ERR/FTL log lines that are not the boot's
// expected ones are counted per cell. BROWNOUT_BENCH_VERSIONS (e.g. `v2.15.3`) and
// BROWNOUT_BENCH_BACKENDS (`local`) narrow the matrix.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTopology, startCluster } from '../clusters/index.ts';
import { threeByThree } from '../chaos/scenarios/common.ts';
import { DEFAULT_NATS_TAG } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { executePlan, runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { planRun } from '../harness/run/plan-run.ts';
import { parseTimeline } from '../harness/timeline/index.ts';
import { recordsOf } from '../harness/timeline/records.ts';
import { judgeContext } from '../harness/verdict/context.ts';
import { restartWindows, senders } from '../harness/verdict/statsz.ts';
import { DEFAULT_THRESHOLDS } from '../harness/verdict/thresholds.ts';
import { ensureVariant } from '../harness/variants/registry.ts';
import { CURRENT_MINORS, UPSTREAM_FIXES, statszHeartbeatSeconds } from '../harness/variants/versions.ts';
import type { CheckResult } from '../harness/verdict/result.ts';

const BACKENDS = (process.env.BROWNOUT_BENCH_BACKENDS ?? 'local,docker').split(',') as ('local' | 'docker')[];
const VERSIONS = (process.env.BROWNOUT_BENCH_VERSIONS ?? CURRENT_MINORS.map((m) => m.tag).join(',')).split(',');
const QUIET_HOLD_S = 70;
const QUIET_SKIP_S = 20;
/** Log lines every build writes at boot with our configs: plaintext passwords, routes dialed before their peer listens. */
const EXPECTED_LOG = [/Plaintext passwords detected/, /Error trying to connect to route \(attempt 1\).*connection refused/];

interface Verdict { pass: boolean; runId: string; failed: string[]; detectors: { name: string; observed: string; status: string }[]; evidence: string[] }
interface Cell {
  version: string; backend: string;
  bootSeconds: number | null; bootError?: string;
  packetLoss?: Verdict; statszStorm?: Verdict;
  /** Per server, msgs/s outside restart windows in the statsz-storm run (the detector's baseline). */
  quietRate?: { min: number; median: number; max: number };
  unexpectedLog: { line: string; count: number }[];
}
interface Quiet { version: string; heartbeatExpectedS: number; perServerMsgsPerSecond: { min: number; median: number; max: number }; impliedPeriodS: number; runId: string }

const med = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s.length === 0 ? 0 : s[Math.floor(s.length / 2)]!; };
const stats = (xs: number[]) => ({ min: Math.min(...xs), median: med(xs), max: Math.max(...xs) });
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function verdictOf(r: RunResult): Verdict {
  const pick = (c: CheckResult) => ({ name: c.name, observed: c.observed, status: c.status });
  const failed = r.verdict.results.filter((x) => !x.pass);
  return {
    pass: r.verdict.pass && !r.incomplete,
    runId: r.runId,
    failed: failed.map((x) => x.name),
    detectors: r.verdict.results.filter((x) => r.detectors.includes(x.name)).map(pick),
    evidence: failed.flatMap((x) => x.evidence.slice(0, 2).map((e) => `${x.name}: ${e}`)),
  };
}

function records(runDir: string) {
  return parseTimeline(readFileSync(path.join(runDir, 'timeline.ndjson'), 'utf8')).records;
}

/** Each server's STATSZ rate (msgs/s) over the judged run outside every restart window, on the vantage's subscription. */
const statszBound = (k: string): number => Number((DEFAULT_THRESHOLDS.statsz as Record<string, number | null> | undefined)?.[k]);

function detectorQuietRates(runDir: string): number[] {
  const ctx = judgeContext(records(runDir));
  const windows = restartWindows(ctx, statszBound('restartWindowSeconds') * 1000);
  const quietMs = Math.max(1, ctx.runEnd - ctx.firstStepAt - windows.reduce((n, w) => n + (w.to - w.from), 0));
  const all = senders(recordsOf(ctx.records, 'statsz'));
  const observer = all[0]?.observedOn;
  const byName = new Map<string, number>();
  for (const s of all.filter((x) => x.observedOn === observer)) {
    const n = s.times.filter((t) => t >= ctx.firstStepAt && t < ctx.runEnd && !windows.some((w) => t >= w.from && t < w.to)).length;
    byName.set(s.serverName, (byName.get(s.serverName) ?? 0) + n);
  }
  return [...byName.values()].map((n) => (n * 1000) / quietMs);
}

function unexpectedLog(runDir: string): { line: string; count: number }[] {
  const dir = path.join(runDir, 'logs');
  const counts = new Map<string, number>();
  let files: string[] = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.log') && !f.startsWith('toxiproxy')); } catch { return []; }
  for (const f of files) {
    for (const l of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!/\[(WRN|ERR|FTL)\]/.test(l) || EXPECTED_LOG.some((re) => re.test(l))) continue;
      const norm = l.replace(/^\[\d+\] [\d/]+ [\d:.]+ /, '').replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR').replace(/\b(rid|gid|cid):\d+/g, '$1:N').replace(/\b[A-Z0-9]{56}\b/g, 'ID').replace(/\(attempt \d+\)/, '(attempt N)');
      counts.set(norm, (counts.get(norm) ?? 0) + 1);
    }
  }
  return [...counts].map(([line, count]) => ({ line, count })).sort((a, b) => b.count - a.count).slice(0, 6);
}

async function quietRun(version: string): Promise<Quiet> {
  const scenario = {
    input: {
      name: 'quiet', description: `${QUIET_HOLD_S} s without a fault: each server's steady STATSZ heartbeat`,
      topology: threeByThree, observer: { vantage: 'iad-1' },
      steps: [{ name: 'quiet', holdSeconds: QUIET_HOLD_S }], settleSeconds: 0,
      detectors: ['statsz.maxPerServerPerSecond'], thresholds: {},
    },
    source: 'bench/versions.bench.ts',
  };
  const r = await executePlan(planRun({ scenario, variant: version, backend: 'local', seed: 1 }), { progress: createProgress(`versions quiet ${version}`), statusEverySeconds: 30 });
  const ctx = judgeContext(records(r.runDir));
  const from = ctx.firstStepAt + QUIET_SKIP_S * 1000;
  const ss = senders(recordsOf(ctx.records, 'statsz'));
  const observer = ss[0]?.observedOn;
  const rates = ss.filter((s) => s.observedOn === observer).map((s) => s.times.filter((t) => t >= from && t < ctx.runEnd).length / ((ctx.runEnd - from) / 1000));
  const p = stats(rates);
  return { version, heartbeatExpectedS: statszHeartbeatSeconds(version), perServerMsgsPerSecond: { min: r3(p.min), median: r3(p.median), max: r3(p.max) }, impliedPeriodS: p.median > 0 ? Math.round(10 / p.median) / 10 : Infinity, runId: r.runId };
}

async function cell(version: string, backend: 'local' | 'docker'): Promise<Cell> {
  const progress = createProgress(`versions ${version} ${backend}`);
  const c: Cell = { version, backend, bootSeconds: null, unexpectedLog: [] };
  const t0 = Date.now();
  try {
    const cluster = await startCluster(parseTopology({ ...threeByThree, variant: version }), { backend, progress });
    c.bootSeconds = Math.round((Date.now() - t0) / 100) / 10;
    await cluster.stop();
  } catch (err) {
    c.bootError = (err as Error).message.split('\n')[0]!;
    return c;
  }
  const run = (scenario: string) => runScenario({ scenario, variant: version, backend, seed: 1, progress, statusEverySeconds: 30 });
  const pl = await run('packet-loss');
  c.packetLoss = verdictOf(pl);
  const st = await run('statsz-storm');
  c.statszStorm = verdictOf(st);
  const q = detectorQuietRates(st.runDir);
  if (q.length) { const s = stats(q); c.quietRate = { min: r3(s.min), median: r3(s.median), max: r3(s.max) }; }
  c.unexpectedLog = unexpectedLog(st.runDir);
  const plLog = unexpectedLog(pl.runDir);
  for (const l of plLog) c.unexpectedLog.push({ line: `(packet-loss) ${l.line}`, count: l.count });
  progress.info(`boot ${c.bootSeconds}s, packet-loss ${c.packetLoss.pass ? 'PASS' : `FAIL ${c.packetLoss.failed.join(',')}`}, statsz-storm ${c.statszStorm.pass ? 'PASS' : `FAIL ${c.statszStorm.failed.join(',')}`}, quiet ${c.quietRate?.median ?? '?'} msgs/s`);
  return c;
}

const verdictText = (v?: Verdict): string => !v ? 'not run' : v.pass ? 'PASS' : `FAIL (${v.failed.join(', ')})`;
const detectorText = (v?: Verdict): string => v ? v.detectors.map((d) => `${d.name.split('.')[1]} ${d.observed}`).join(', ') : '';

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('versions');
  for (const v of VERSIONS) await ensureVariant(v, { progress });
  const cells: Cell[] = [];
  for (const v of VERSIONS) {
    for (const b of BACKENDS) {
      try {
        cells.push(await cell(v, b));
      } catch (err) {
        progress.info(`${v} ${b}: ${(err as Error).message}`);
        cells.push({ version: v, backend: b, bootSeconds: null, bootError: `run failed: ${(err as Error).message.split('\n')[0]}`, unexpectedLog: [] });
      }
    }
  }
  const quiet: Quiet[] = [];
  for (const v of [DEFAULT_NATS_TAG, ...VERSIONS]) {
    try { quiet.push(await quietRun(v)); } catch (err) { progress.info(`quiet ${v}: ${(err as Error).message}`); }
  }
  const st = { maxPerServerPerSecond: statszBound('maxPerServerPerSecond'), maxExcessPerRestart: statszBound('maxExcessPerRestart'), restartWindowSeconds: statszBound('restartWindowSeconds') };
  const markdown = [
    `Each cell: \`npm run chaos -- <scenario> --variant <v> --backend <b> --seed 1\` with the default thresholds, on stock builds`,
    '(`npm run build:nats -- --version <tag> --patches none`), 3 regions × 3 servers. Boot: start to full mesh (every route and gateway).',
    `Bounds: \`statsz.maxPerServerPerSecond\` ≤ ${st.maxPerServerPerSecond}, \`statsz.maxExcessPerRestart\` ≤ ${st.maxExcessPerRestart} above each server's quiet rate in ${st.restartWindowSeconds} s.`,
    '',
    '| version | backend | boot to full mesh | packet-loss | statsz-storm | statsz-storm detectors | quiet STATSZ msgs/s per server (median, min–max) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...cells.map((c) => `| ${c.version} | ${c.backend} | ${c.bootSeconds === null ? `FAILED: ${c.bootError}` : `${c.bootSeconds} s`} | ${verdictText(c.packetLoss)} | ${verdictText(c.statszStorm)} | ${detectorText(c.statszStorm)} | ${c.quietRate ? `${c.quietRate.median} (${c.quietRate.min}–${c.quietRate.max})` : '–'} |`),
    '',
    'Failed thresholds, with their first evidence lines:',
    ...(cells.some((c) => c.packetLoss?.evidence.length || c.statszStorm?.evidence.length)
      ? cells.flatMap((c) => [...(c.packetLoss?.evidence ?? []).map((e) => `- ${c.version} ${c.backend} packet-loss (${c.packetLoss!.runId}): ${e}`), ...(c.statszStorm?.evidence ?? []).map((e) => `- ${c.version} ${c.backend} statsz-storm (${c.statszStorm!.runId}): ${e}`)])
      : ['- none']),
    '',
    `## Quiet STATSZ rate (local, ${QUIET_HOLD_S} s without a fault, counted from ${QUIET_SKIP_S} s after the first step)`,
    '',
    '| version | heartbeat in the source | msgs/s per server (median, min–max) | period implied by the median |',
    '| --- | --- | --- | --- |',
    ...quiet.map((q) => `| ${q.version} | ${q.heartbeatExpectedS} s | ${q.perServerMsgsPerSecond.median} (${q.perServerMsgsPerSecond.min}–${q.perServerMsgsPerSecond.max}) | ${q.impliedPeriodS} s |`),
    '',
    '## Our fixes upstream',
    '',
    '| our patch | first tag the proxy serves with it | upstream code | in v2.11.x–v2.15.x |',
    '| --- | --- | --- | --- |',
    ...UPSTREAM_FIXES.map((f) => `| ${f.patch} | ${f.since} | ${f.upstream} | yes (no patches/<version>/ needed) |`),
    '',
    'Log lines at WRN/ERR/FTL beyond the boot\'s expected ones (plaintext passwords; a route dialed before its peer listens), per cell, normalized:',
    ...cells.flatMap((c) => c.unexpectedLog.length ? [`- ${c.version} ${c.backend}: ${c.unexpectedLog.map((l) => `${l.count}× \`${l.line.slice(0, 160)}\``).join('; ')}`] : [`- ${c.version} ${c.backend}: none`]),
  ].join('\n');
  return { name: 'Current nats-server minors: boot, packet-loss, statsz-storm, quiet STATSZ', markdown, data: { versions: VERSIONS, backends: BACKENDS, cells, quiet, fixes: UPSTREAM_FIXES } };
}
