import assert from 'node:assert/strict';
import { MATRIX, cellKey } from './detection-cells.ts';
import type { FailedThreshold, RunRecord } from './detection-log.ts';
import { rec } from './detection-fixtures.ts';
import { goalOf, missText, renderSummary, summarizeCell } from './detection-summary.ts';

const cell = (key: string) => MATRIX.find((c) => cellKey(c) === key)!;
const fail = (name: string, role: 'detector' | 'guard', observed: string): FailedThreshold => ({ name, role, status: 'fail', observed, value: Number.parseFloat(observed), bound: 'b' });
const stuck = (observed = '2 links') => fail('recovery.noneStuck', 'detector', observed);
const rowOf = (md: string, backend: string, key: string) => md.split('\n').find((l) => l.startsWith(`| ${backend} | ${key} |`))!;

describe('detection bench summary', () => {
  it('detection bench - the goal is met at 19 of 20, missed at two misses or one false failure on patched, open before', () => {
    const cases: [string, number, number, number, string][] = [
      // cell, runs done, as expected, false positives, goal
      ['packet-loss/stock', 20, 20, 0, 'met'],
      ['packet-loss/stock', 20, 19, 0, 'met'],
      ['packet-loss/stock', 20, 18, 0, 'missed'],
      ['packet-loss/stock', 5, 3, 0, 'missed'],
      ['packet-loss/stock', 5, 4, 0, 'open'],
      ['packet-loss/stock', 0, 0, 0, 'open'],
      ['packet-loss/gateway-only', 20, 19, 1, 'met'],
      ['packet-loss/patched', 20, 19, 1, 'missed'],
      ['statsz-storm/patched', 3, 2, 1, 'missed'],
      ['statsz-storm/patched', 20, 19, 0, 'met'],
    ];
    for (const [key, n, ok, fp, want] of cases) assert.equal(goalOf(cell(key), n, ok, fp), want, `${key} ${ok}/${n} fp ${fp}`);
  });

  it('detection bench - an empty log says plainly that none of the 660 runs is done', () => {
    const md = renderSummary({ records: [] });
    assert.match(md, /\*\*0 of the 660 runs done\*\* \(local 0\/280, docker 0\/380\)/);
    assert.match(md, /No run is done yet/);
    assert.match(md, /met 0, missed 0, open 33 \(of 33\)/);
    assert.equal(md.split('\n').filter((l) => / \| 0\/20 \| - \| open \| /.test(l)).length, 33);
    assert.match(md, /No threshold failed yet/);
  });

  it('detection bench - a cell row counts runs done, as expected, and which detector caught the bug with what it saw', () => {
    const records: RunRecord[] = [
      rec('packet-loss/stock', 'local', 1, { failed: [stuck(), fail('recovery.maxSeconds', 'detector', 'never')] }),
      rec('packet-loss/stock', 'local', 2, { failed: [stuck()] }),
      rec('packet-loss/stock', 'local', 3, { failed: [stuck('1 link')] }),
      // Detectors all passed: a false negative, named with its run id.
      rec('packet-loss/stock', 'local', 4, { runId: 'R-fn', failed: [fail('probe.maxGapSeconds', 'guard', '31.0 s')] }),
    ];
    const md = renderSummary({ records });
    assert.match(md, /\*\*4 of the 660 runs done\*\* \(local 4\/280, docker 0\/380\)/);
    assert.match(md, /a run takes \(median, lock wait excluded\) packet-loss 70 s\./);
    const row = rowOf(md, 'local', 'packet-loss/stock');
    assert.match(row, /\| 4\/20 \| 3\/4 \| open \|/);
    assert.match(row, /recovery\.maxSeconds 1\/4 \(never\); recovery\.noneStuck 3\/4 \(2 links ×2, 1 link\)/);
    assert.match(row, /seed 4 \(run R-fn\): guard probe\.maxGapSeconds=31\.0 s/);
    assert.match(rowOf(md, 'docker', 'packet-loss/stock'), /\| 0\/20 \| - \| open \|/);
    assert.match(md, /\| local \| packet-loss\/stock \| probe\.maxGapSeconds \| guard \| 1\/4 \| 0\/4 \| beside \| 4 \|/);
    // `fail(a|b)` stays in its cell: every row has the header's number of cells.
    assert.match(row, /\| fail\(recovery\.maxSeconds\\\|recovery\.noneStuck\) \|/);
    const cells = (l: string) => l.replaceAll('\\|', '').split('|').length;
    for (const l of md.split('\n').filter((x) => x.startsWith('| local') || x.startsWith('| docker'))) assert.ok([13, 10].includes(cells(l)), l); // 11 or 8 cells, and the two ends
    assert.match(md, /\| local \| packet-loss\/stock \| recovery\.noneStuck \| detector \| 3\/4 \| 0\/4 \| caught \| 1, 2, 3 \|/);
  });

  it('detection bench - a false failure on patched is listed with its run id and misses the goal; runs are judged by today\'s matrix', () => {
    const records: RunRecord[] = [
      rec('statsz-storm/patched', 'local', 1),
      // Logged as expected on its day; what failed says otherwise, and what failed is what counts.
      rec('statsz-storm/patched', 'local', 2, { runId: 'R-fp', asExpected: true, failed: [fail('statsz.maxPerServerPerSecond', 'detector', '9 msgs')] }),
      // gateway-only keeps the storm: a STATSZ guard failing on packet-loss is tolerated.
      rec('packet-loss/gateway-only', 'local', 1, { failed: [fail('statsz.maxPerServerPerSecond', 'guard', '12 msgs')] }),
      // Not in the matrix, or outside seeds 1..20: left out of the count.
      rec('mass-restart/stock', 'local', 1),
      rec('statsz-storm/patched', 'local', 21),
    ];
    const md = renderSummary({ records, badLines: [7] });
    assert.match(md, /\*\*3 of the 660 runs done\*\*/);
    assert.match(rowOf(md, 'local', 'statsz-storm/patched'), /\| 2\/20 \| 1\/2 \| missed \| - \| - \| seed 2 \(run R-fp\): detector statsz\.maxPerServerPerSecond=9 msgs \|/);
    assert.match(rowOf(md, 'local', 'packet-loss/gateway-only'), /\| 1\/20 \| 1\/1 \| open \|/);
    assert.match(md, /packet-loss\/gateway-only \| statsz\.maxPerServerPerSecond \| guard \| 1\/1 \| 0\/1 \| tolerated \|/);
    assert.match(md, /Left out: log line\(s\) 7 did not parse/);
    assert.match(md, /met 0, missed 1, open 32/);
  });

  it('detection bench - an incomplete run is never as expected and says why', () => {
    const r = rec('packet-loss/patched', 'local', 1, { incomplete: true, error: 'boot timed out', verdict: 'INCOMPLETE' });
    const s = summarizeCell(cell('packet-loss/patched'), 'local', [r]);
    assert.deepEqual([s.runs.length, s.asExpected.length, s.incomplete.length, s.falsePositives.length], [1, 0, 1, 0]);
    assert.equal(missText(r), `seed 1 (run ${r.runId}): incomplete (boot timed out)`);
    assert.match(rowOf(renderSummary({ records: [r] }), 'local', 'packet-loss/patched'), /\| 0\/1 \| open \| - \| - \| - \| seed 1 .*incomplete \(boot timed out\) \|/);
  });
});
