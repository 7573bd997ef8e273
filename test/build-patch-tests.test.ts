import assert from 'node:assert/strict';
import { runPatchTests } from '../harness/variants/patch-tests.ts';
import { resolveVariant } from '../harness/variants/variant.ts';
import { DEFAULT_NATS_TAG } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';

// The proof our CI keeps: each patch's Go tests show its bug on stock and its fix on patched.
describe('patch tests on real builds', function () {
  this.timeout(1_500_000);

  it('patch tests - every Fix test fails on stock and passes on patched; every Guard test passes on both', async () => {
    const report = await runPatchTests(DEFAULT_NATS_TAG, { progress: createProgress('patch-tests') });
    for (const r of report.rows) process.stdout.write(`      ${r.test}: stock ${r.stock}, patched ${r.patched}\n`);
    const patches = resolveVariant({ tag: DEFAULT_NATS_TAG, patches: 'default' }).patches.length;
    assert.ok(report.rows.filter((r) => r.role === 'fix').length >= patches, `at least one Fix test per patch (${patches} patches)`);
    assert.deepEqual(report.rows.filter((r) => !r.ok).map((r) => `${r.test}: stock ${r.stock}, patched ${r.patched}`), []);
    assert.equal(report.ok, true);
  });
});
