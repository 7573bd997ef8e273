// Mocha reporter: spec output, a reason beside every skipped test, and the counts written to the
// file named by the `out` reporter option so scripts/test.ts can print the one closing line.
// Besides mocha's own stats it writes `notRun`: tests mocha planned but never reported, which is
// what a failed before()/beforeEach() hook leaves (mocha counts the hook once and its tests nowhere).
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');
const { EVENT_TEST_PENDING, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

// A skip in a before() hook skips its suite: skipBecause puts the reason on the suite.
function reasonOf(test) {
  for (let r = test; r; r = r.parent) if (r.skipReason) return r.skipReason;
  return undefined;
}

class BrownoutReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const out = options.reporterOption && options.reporterOption.out;
    const skipped = [];
    const reported = new Set();
    runner.on(EVENT_TEST_PENDING, (test) => {
      reported.add(test);
      const reason = reasonOf(test);
      // null, not a stand-in sentence: the tally counts a skip that gives no reason as a failure.
      skipped.push({ title: test.fullTitle(), reason: reason ?? null });
      process.stdout.write(`      skipped because: ${reason ?? 'no reason given (use skipBecause in test/support/skip.ts)'}\n`);
    });
    runner.on(EVENT_TEST_PASS, (test) => reported.add(test));
    // Wall time of each top-level describe, hooks included (the CI budget is spent in before() hooks
    // that boot clusters, which per-test times do not show).
    const began = new Map();
    const spent = [];
    runner.on(EVENT_SUITE_BEGIN, (suite) => { if (suite.parent && suite.parent.root) began.set(suite, Date.now()); });
    runner.on(EVENT_SUITE_END, (suite) => {
      const t = began.get(suite);
      if (t !== undefined) spent.push({ title: suite.title, file: suite.file, ms: Date.now() - t });
    });
    runner.on(EVENT_TEST_FAIL, (runnable, err) => {
      if (runnable.type !== 'test') return;
      reported.add(runnable);
      // --forbid-pending (CI) turns a skip into this failure; say what the skip was for.
      if (err && err.message === 'Pending test forbidden') {
        process.stdout.write(`      a skip fails under CI; it was skipped because: ${reasonOf(runnable) ?? 'no reason given'}\n`);
      }
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const notRun = Math.max(0, (runner.total || 0) - reported.size);
      const slow = spent.filter((x) => x.ms >= 20000).sort((a, b) => b.ms - a.ms);
      if (slow.length) {
        process.stdout.write(`\n  wall time of the slowest top-level suites (hooks included):\n`);
        for (const x of slow) process.stdout.write(`    ${(x.ms / 1000).toFixed(0).padStart(5)} s  ${x.title}${x.file ? ` (${require('node:path').relative(process.cwd(), x.file)})` : ''}\n`);
      }
      if (out) fs.writeFileSync(out, JSON.stringify({ passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0, notRun, skipped }));
    });
  }
}
module.exports = BrownoutReporter;
