#!/usr/bin/env tsx
// npm test: prepare the machine, build the variants, type-check, run unit then integration tests,
// and close with one line `N passed, N failed[, N skipped]` (CI reads that line, not mocha's); a
// non-zero mocha exit is never `0 failed` (test/support/tally.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkMachine } from '../harness/machine.ts';
import { buildAll, renderBuildTable } from '../harness/variants/build-all.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { formatError } from '../core/errors.ts';
import { TEST_PATCH_SETS } from '../test/support/build.ts';
import { closingLine, skipSummary, tally, type MochaCounts } from '../test/support/tally.ts';

const UNIT_ROOTS = ['core', 'harness', 'clusters', 'chaos', 'scripts', 'dashboards', 'bench'];

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((n) => {
    const p = path.join(dir, n);
    if (n === 'node_modules') return [];
    if (statSync(p).isDirectory()) return findTests(p);
    return n.endsWith('.test.ts') ? [path.relative(REPO_ROOT, p)] : [];
  });
}

/** Unit tests first, then the build's own tests (they build what the rest use), then the rest. */
export function testFiles(): string[] {
  const unit = UNIT_ROOTS.flatMap((d) => findTests(path.join(REPO_ROOT, d)));
  const integration = findTests(path.join(REPO_ROOT, 'test'));
  const build = integration.filter((f) => path.basename(f).startsWith('build-'));
  return [...unit, ...build, ...integration.filter((f) => !build.includes(f))];
}

function main(): number {
  const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { cwd: REPO_ROOT, stdio: 'inherit' });

  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'brownout-test-')), 'counts.json');
  const files = testFiles();
  const mocha = spawnSync('npx', [
    'mocha', '--import=tsx', '--timeout', '180000', '--exit',
    '--reporter', path.join(REPO_ROOT, 'test/support/reporter.cjs'), '--reporter-option', `out=${out}`,
    ...process.argv.slice(2), ...files,
  ], { cwd: REPO_ROOT, stdio: 'inherit' });
  const counts = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as MochaCounts) : undefined;
  const t = tally({ typecheck: tsc.status === 0, mochaStatus: mocha.status, mochaSignal: mocha.signal, counts });
  for (const l of [...skipSummary(counts), ...t.notes]) process.stdout.write(l + '\n');
  process.stdout.write(closingLine(t) + '\n');
  return t.failed > 0 ? 1 : 0;
}

async function prepare(): Promise<boolean> {
  const progress = createProgress('test');
  try {
    const m = await checkMachine({ startDocker: true });
    progress.info(`node ${m.node}, ${m.go}, docker engine: ${m.docker}`);
    for (const n of m.notes) progress.info(`note: ${n}`);
    // Stock, patched and each patch alone (the detection matrix needs all four), and Toxiproxy.
    process.stdout.write(renderBuildTable(await buildAll({ progress, patches: TEST_PATCH_SETS })) + '\n');
    return true;
  } catch (err) {
    process.stderr.write(formatError(err) + '\n');
    return false;
  }
}

if (!(await prepare())) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exitCode = 1;
} else {
  process.exitCode = main();
}
