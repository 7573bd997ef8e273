// How `npm test` runs mocha, in one place: scripts/test.ts uses it for the real run and
// test/runner-honesty.test.ts for fixture files, so the fixtures prove what the real run does.
import { spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../core/layout.ts';
import { parseCounts, type TallyInput } from './tally.ts';

export const REPORTER = path.join(REPO_ROOT, 'test/support/reporter.cjs');

export interface MochaRunOptions {
  files: string[];
  /** Extra mocha arguments (npm test -- --grep x). */
  extra?: string[];
  /** Under CI a skip is a failure (--forbid-pending): a missing real part must not pass as a skip. */
  ci: boolean;
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
}

export function mochaArgs(out: string, o: MochaRunOptions): string[] {
  return [
    'mocha', '--import=tsx', '--timeout', '180000', '--exit',
    // A stray .only would otherwise run one test and print a green line.
    '--forbid-only', ...(o.ci ? ['--forbid-pending'] : []),
    '--reporter', REPORTER, '--reporter-option', `out=${out}`,
    ...(o.extra ?? []), ...o.files,
  ];
}

export type MochaRun = Pick<TallyInput, 'mochaStatus' | 'mochaSignal' | 'counts' | 'countsError'> & { output: string };

/** Runs mocha as npm test does and reads what the reporter wrote, without trusting it blindly.
 * `output` is mocha's stdout and stderr when stdio is 'pipe' (the fixture test reads it). */
export function runMocha(o: MochaRunOptions): MochaRun {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-test-'));
  const out = path.join(dir, 'counts.json');
  try {
    const r = spawnSync('npx', mochaArgs(out, o), { cwd: REPO_ROOT, env: o.env ?? process.env, stdio: o.stdio ?? 'inherit', encoding: 'utf8', maxBuffer: 64 << 20 });
    return { mochaStatus: r.status, mochaSignal: r.signal, ...readCounts(out), output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  } finally {
    // The counts are read: nothing of the run stays in /tmp.
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readCounts(file: string): Pick<TallyInput, 'counts' | 'countsError'> {
  if (!existsSync(file)) return { counts: undefined };
  const p = parseCounts(readFileSync(file, 'utf8'));
  return 'counts' in p ? { counts: p.counts } : { counts: undefined, countsError: `${file}: ${p.error}` };
}
