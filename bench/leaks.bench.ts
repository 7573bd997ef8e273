// The leak soak: runs back to back on both backends, some SIGKILLed at a seeded random moment (then
// `clean`, as a user would), counting after each what is left that was not there before the soak.
// Goal: nothing, ever. Options from the environment (npm run bench takes only names):
//   BROWNOUT_LEAKS_RUNS    runs per backend (default 25: 50 in all)
//   BROWNOUT_LEAKS_KILLED  of those, killed per backend (default 5: 10 in all)
//   BROWNOUT_LEAKS_SEED    seed of the kill choices and moments (default 1)
//   BROWNOUT_BENCH_BACKENDS local,docker (default both)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRng } from '../chaos/rng.ts';
import { dockerAvailable } from '../core/docker-engine.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { LEAK_KINDS, leaks, snapshot, type LeakKind } from './leftovers.ts';

interface RunRecord {
  backend: string;
  index: number;
  killedAtMs?: number;
  exit: number | string;
  seconds: number;
  cleanExit?: number | string;
  leaks: Partial<Record<LeakKind, string[]>>;
}

function child(args: string[], env: NodeJS.ProcessEnv, killAtMs?: number): Promise<{ exit: number | string; seconds: number; out: string }> {
  const t0 = Date.now();
  // node itself, not npx: a SIGKILL must reach the harness, not a launcher that leaves it running.
  const p = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  const timer = killAtMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), killAtMs);
  const hard = setTimeout(() => p.kill('SIGKILL'), 300_000);
  return new Promise((resolve) => p.on('exit', (code, sig) => {
    clearTimeout(timer);
    clearTimeout(hard);
    resolve({ exit: code ?? sig ?? 'unknown', seconds: (Date.now() - t0) / 1000, out });
  }));
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const progress = createProgress('leaks');
  const runsPer = Number(process.env.BROWNOUT_LEAKS_RUNS ?? 25);
  const killedPer = Number(process.env.BROWNOUT_LEAKS_KILLED ?? 5);
  const rng = createRng(Number(process.env.BROWNOUT_LEAKS_SEED ?? 1));
  const backends = (process.env.BROWNOUT_BENCH_BACKENDS ?? 'local,docker').split(',');
  if (backends.includes('docker') && !(await dockerAvailable())) throw new Error('leaks: no Docker engine answers (BROWNOUT_BENCH_BACKENDS=local to run without it)');
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'leaks-runs-'));
  const tmpDir = path.join(runsDir, '.tmp');
  mkdirSync(tmpDir);
  const env = { ...process.env, BROWNOUT_RUNS_DIR: runsDir, TMPDIR: tmpDir };
  const before = await snapshot(runsDir, tmpDir);
  const records: RunRecord[] = [];
  for (const backend of backends) {
    const killed = new Set(rng.pick([...Array(runsPer).keys()], killedPer));
    for (let i = 0; i < runsPer; i++) {
      // A kill anywhere from the build check to the teardown: a run takes 14 to 19 s on either
      // backend here, so a moment up to 13 s always lands while it still runs.
      const killAtMs = killed.has(i) ? rng.int(500, 13_000) : undefined;
      const prev = await snapshot(runsDir, tmpDir);
      const r = await child(['bench/leaks-child.ts', backend, String(1000 + i)], env, killAtMs);
      const rec: RunRecord = { backend, index: i + 1, killedAtMs: r.exit === 'SIGKILL' ? killAtMs : undefined, exit: r.exit, seconds: r.seconds, leaks: {} };
      if (killAtMs !== undefined) rec.cleanExit = (await child(['scripts/clean.ts'], env)).exit;
      rec.leaks = leaks(prev, await snapshot(runsDir, tmpDir));
      records.push(rec);
      const n = Object.values(rec.leaks).reduce((a, l) => a + l.length, 0);
      progress.info(`${backend} run ${i + 1}/${runsPer}${killAtMs !== undefined ? ` killed at ${(killAtMs / 1000).toFixed(1)} s, clean exit ${rec.cleanExit}` : ''}: exit ${r.exit} in ${r.seconds.toFixed(0)} s, left ${n}`);
      if (n > 0) progress.info(`  left: ${JSON.stringify(rec.leaks)}`);
    }
  }
  const cumulative = leaks(before, await snapshot(runsDir, tmpDir));
  return { name: 'Leak soak', markdown: render(records, runsPer, killedPer, cumulative), data: { runsPer, killedPer, records, cumulative } };
}

function render(records: RunRecord[], runsPer: number, killedPer: number, cumulative: Partial<Record<LeakKind, string[]>>): string {
  const total = (r: RunRecord) => Object.values(r.leaks).reduce((a, l) => a + l.length, 0);
  const leaky = records.filter((r) => total(r) > 0);
  const lines = [
    `${records.length} runs (${runsPer} per backend; ${records.filter((r) => r.killedAtMs !== undefined).length} SIGKILLed at a seeded moment, then \`clean\`), a 2 x 2 cluster each`,
    'with lossy links (IP-level iptables loss on docker, Toxiproxy blackholes locally) and a partition (bench/leaks-child.ts).',
    `After each run the machine was compared with a snapshot taken before the soak (bench/leftovers.ts): ${LEAK_KINDS.join(', ')} (temp files under the runs' own TMPDIR, less tsx's compile cache).`,
    '',
    `**Runs that left something: ${leaky.length} of ${records.length}.** Left on the machine at the end, against the snapshot before the soak: ${Object.keys(cumulative).length === 0 ? 'nothing' : JSON.stringify(cumulative)}.`,
    '',
    '| backend | run | killed at | run exit | clean exit | seconds | left |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...records.map((r) => `| ${r.backend} | ${r.index} | ${r.killedAtMs === undefined ? '' : `${(r.killedAtMs / 1000).toFixed(1)} s`} | ${r.exit} | ${r.cleanExit ?? ''} | ${r.seconds.toFixed(0)} | ${total(r) === 0 ? 0 : Object.entries(r.leaks).map(([k, v]) => `${k}: ${v.join('; ')}`).join('<br>')} |`),
  ];
  return lines.join('\n');
}
