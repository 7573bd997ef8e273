#!/usr/bin/env tsx
// npm test: prepare the machine, build the variants, type-check, run unit then integration tests,
// and close with one line `N passed, N failed[, N skipped]` (CI reads that line, not mocha's). What
// could make that line lie (a .only, a failed hook, a skip without a reason or any skip under CI,
// an unreadable counts file, too few tests, a non-zero mocha exit) is counted as failed:
// test/support/tally.ts, test/runner-honesty.test.ts.
import { spawnSync } from 'node:child_process';
import { checkMachine } from '../harness/machine.ts';
import { buildAll, renderBuildTable } from '../harness/variants/build-all.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { formatError } from '../core/errors.ts';
import { TEST_EXTRA_TAGS, TEST_PATCH_SETS } from '../test/support/build.ts';
import { closingLine, skipSummary, tally } from '../test/support/tally.ts';
import { runMocha } from '../test/support/mocha-run.ts';
import { testFiles } from '../test/support/test-files.ts';
import { isCi } from '../test/support/docker-engine.ts';
import { MIN_TESTS } from '../test/support/test-floor.ts';

function main(): number {
  const tsc = spawnSync('npx', ['tsc', '--noEmit', '-p', '.'], { cwd: REPO_ROOT, stdio: 'inherit' });

  const extra = process.argv.slice(2);
  const run = runMocha({ files: testFiles(), extra, ci: isCi() });
  // The floor holds for the whole suite; `npm test -- --grep x` runs a part of it on purpose.
  const t = tally({ typecheck: tsc.status === 0, ...run, floor: extra.length ? undefined : MIN_TESTS });
  for (const l of [...skipSummary(run.counts), ...t.notes]) process.stdout.write(l + '\n');
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
    const results = await buildAll({ progress, patches: TEST_PATCH_SETS });
    // Other releases some tests run (stock): test/support/build.ts TEST_EXTRA_TAGS.
    for (const tag of TEST_EXTRA_TAGS) results.splice(-1, 0, ...await buildAll({ progress, tag, patches: ['none'], toxiproxy: false }));
    process.stdout.write(renderBuildTable(results) + '\n');
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
