import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { ensureBuilt, type Built } from './support/build.ts';
import { shown } from './support/run-verdict.ts';

// statsz.fresh: a limit must delay, never lose. statsz-storm with statsz.freshSeconds=3 (the bound:
// patched's merged broadcast goes out within its one-second window). Patched passes; the test-only
// build whose limit drops what it should delay passes every STATSZ count (fewer messages is what a
// limit is for) and fails statsz.fresh, naming servers whose newest STATSZ still misses a server.
const SEED = 1;
const FRESH = ['statsz.freshSeconds=3'];

describe('statsz.fresh', function () {
  this.timeout(300_000);
  let built: Built;
  let patched: Promise<RunResult>;
  let statszDrop: Promise<RunResult>;
  before(async function () {
    this.timeout(1_200_000);
    built = await ensureBuilt();
    // Both runs side by side, 1.5 s apart (each its own cluster; two 3×3 clusters fit two cores).
    patched = runScenario({ scenario: 'statsz-storm', variant: built.patched, backend: 'local', seed: SEED, thresholds: { flags: FRESH } });
    statszDrop = sleep(1500).then(() => runScenario({ scenario: 'statsz-storm', variant: built.statszDrop, backend: 'local', seed: SEED, thresholds: { flags: FRESH } }));
    await Promise.allSettled([patched, statszDrop]);
  });

  async function run(which: Promise<RunResult>): Promise<RunResult> {
    const r = await which;
    process.stdout.write(`      statsz-storm on ${r.variant}: ${r.verdict.pass ? 'PASS' : 'FAIL'}; run: ${r.runDir}\n`);
    assert.equal(r.incomplete, false, `the run completed (${r.error ?? 'no error'})`);
    return r;
  }

  it('statsz.fresh - patched: every newest STATSZ agrees with /routez and the servers alive within 3 s of each change', async () => {
    const r = await run(patched);
    assert.equal(r.verdict.results.find((t) => t.name === 'statsz.fresh')?.status, 'pass', shown(r));
    assert.equal(r.verdict.pass, true, shown(r));
  });

  it('statsz.fresh - a limit that drops updates passes every STATSZ count and fails statsz.fresh', async () => {
    const r = await run(statszDrop);
    const f = r.verdict.results.find((t) => t.name === 'statsz.fresh');
    assert.equal(f?.status, 'fail', shown(r));
    assert.ok(f.evidence.some((e) => /^at \d\d:\d\d:\d\d (iad|lhr|syd)-\d: newest STATSZ \(.*\) says .* \d+ active server\(s\); its \/routez lists .* and 9 server\(s\) are alive, settled/.test(e)), shown(r));
    assert.deepEqual(r.verdict.detectorsFailed, [], `the STATSZ counts cannot tell: ${shown(r)}`);
    assert.deepEqual(r.verdict.guardsFailed, ['statsz.fresh'], shown(r));
  });
});
