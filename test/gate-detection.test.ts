import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupBy } from '../core/collections.ts';
import { runScenario, type RunResult } from '../harness/run/execute-plan.ts';
import { ensureBuilt } from './support/build.ts';
import { GATE_EXTRA, MATRIX, cellName, judgeCell, variantOf, type Cell } from './support/detection-matrix.ts';

// The detection proof: a harness that cannot tell the builds apart is broken, whatever else passes.
// Four builds (stock, patched, and each of our two patches alone) × the two scenarios that exist for
// the story's two bugs, one fixed seed, local backend. Each cell says WHICH detector failed, or that
// everything passed: a build is caught only by the scenario's own detector, never by a guard.
// Then mass-restart on stock and patched, the third scenario of the release gate. The cells run two
// at a time in before(); each test judges its own cell.
const SEED = 1;

function title(c: Cell): string {
  if (c.expect === 'detected') return `gate detection - ${cellName(c)} fails by its detector (${c.detectors.join(' or ')})`;
  return `gate detection - ${cellName(c)} passes every detector${c.tolerated.length ? ` (guards ${c.tolerated.join(', ')} may fail: the bug it keeps)` : ' and every guard'}`;
}

describe('release gate detection matrix', function () {
  this.timeout(600_000);
  const runs = new Map<Cell, Promise<RunResult>>();
  before(async function () {
    this.timeout(1_200_000);
    await ensureBuilt();
    // Two cells at a time, each pair of one scenario (so they take as long as each other), started
    // 1.5 s apart: the runs mostly wait on the scenario's clock, and two 3×3 clusters fit two cores
    // (the swarm and docker packet-loss tests run stock and patched side by side the same way).
    // Every cell is still its own run with its own cluster; only the wall time is shared.
    const cells = [...MATRIX, ...GATE_EXTRA];
    const byScenario = [...groupBy(cells, (c) => c.scenario).values()].flat();
    let chain: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < byScenario.length; i += 2) {
      const pair = byScenario.slice(i, i + 2);
      const started = chain.then(() => pair.map((c, k) => sleep(1500 * k).then(() => runScenario({ scenario: c.scenario, variant: variantOf(c.build), backend: 'local', seed: SEED }))));
      pair.forEach((c, k) => {
        const r = started.then((ps) => ps[k]!);
        r.catch(() => undefined); // its test reports the failure
        runs.set(c, r);
      });
      chain = started.then((ps) => Promise.allSettled(ps));
    }
    // Every run has ended (a failed one fails its own test below) before the tests read them.
    await chain;
  });

  // The matrix, then mass-restart: it stays in the gate only while stock fails it by its detector.
  for (const c of [...MATRIX, ...GATE_EXTRA]) {
    it(title(c), async () => {
      const r = await runs.get(c)!;
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
