import assert from 'node:assert/strict';
import { runScenario } from '../harness/run/execute-plan.ts';
import { ensureBuilt } from './support/build.ts';
import { GATE_EXTRA, MATRIX, cellName, judgeCell, variantOf, type Cell } from './support/detection-matrix.ts';

// The detection proof: a harness that cannot tell the builds apart is broken, whatever else passes.
// Four builds (stock, patched, and each of our two patches alone) × the two scenarios that exist for
// the story's two bugs, one fixed seed, local backend. Each cell says WHICH detector failed, or that
// everything passed: a build is caught only by the scenario's own detector, never by a guard.
// Then mass-restart on stock and patched, the third scenario of the release gate.
const SEED = 1;

function title(c: Cell): string {
  if (c.expect === 'detected') return `gate detection - ${cellName(c)} fails by its detector (${c.detectors.join(' or ')})`;
  return `gate detection - ${cellName(c)} passes every detector${c.tolerated.length ? ` (guards ${c.tolerated.join(', ')} may fail: the bug it keeps)` : ' and every guard'}`;
}

describe('release gate detection matrix', function () {
  this.timeout(600_000);
  before(async function () {
    this.timeout(1_200_000);
    await ensureBuilt();
  });

  // The matrix, then mass-restart: it stays in the gate only while stock fails it by its detector.
  for (const c of [...MATRIX, ...GATE_EXTRA]) {
    it(title(c), async () => {
      const r = await runScenario({ scenario: c.scenario, variant: variantOf(c.build), backend: 'local', seed: SEED });
      const v = r.verdict;
      const o = judgeCell(c, v, r.incomplete);
      process.stdout.write(`      ${o.why}\n      run: ${r.runDir}\n`);
      assert.equal(r.incomplete, false, `the run completed (${r.error ?? 'no error'})`);
      if (c.expect === 'detected') {
        assert.ok(v.detectorsFailed.some((d) => c.detectors.includes(d)), o.why);
        assert.equal(r.verdict.pass, false);
      } else {
        assert.deepEqual(v.detectorsFailed, [], o.why);
        assert.equal(o.falsePositive, false, o.why);
        if (!c.tolerated.length) assert.deepEqual([v.guardsFailed, r.verdict.pass], [[], true], o.why);
      }
      assert.equal(o.asExpected, true, o.why);
    });
  }
});
