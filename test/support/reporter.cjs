// Mocha reporter: spec output, a reason beside every skipped test, and the counts written to the
// file named by the `out` reporter option so scripts/test.ts can print the one closing line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');
const { EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

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
    runner.on(EVENT_TEST_PENDING, (test) => {
      const reason = reasonOf(test) || 'no reason given (use skipBecause in test/support/skip.ts)';
      skipped.push({ title: test.fullTitle(), reason });
      process.stdout.write(`      skipped because: ${reason}\n`);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      if (out) fs.writeFileSync(out, JSON.stringify({ passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0, skipped }));
    });
  }
}
module.exports = BrownoutReporter;
