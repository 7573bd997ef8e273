import assert from 'node:assert/strict';
import { MATRIX, judgeCell, type Cell, type VerdictLike } from './detection-matrix.ts';

const cell = (scenario: string, build: string): Cell => MATRIX.find((c) => c.scenario === scenario && c.build === build)!;
const verdict = (detectorsFailed: string[], guardsFailed: string[]): VerdictLike => ({ results: [], detectorsFailed, guardsFailed });

describe('detection matrix', () => {
  it('detection matrix - four builds × packet-loss and statsz-storm, each expecting its own detector or a pass', () => {
    assert.deepEqual(MATRIX.map((c) => `${c.scenario} ${c.build} ${c.expect}`), [
      'packet-loss stock detected', 'statsz-storm stock detected', 'packet-loss patched pass', 'statsz-storm patched pass',
      'packet-loss gateway-only pass', 'statsz-storm gateway-only detected', 'packet-loss statsz-only detected', 'statsz-storm statsz-only pass',
    ]);
  });

  it('detection matrix - a cell is detected only by its own detector; every other failure is beside it', () => {
    const stockLoss = cell('packet-loss', 'stock');
    assert.equal(judgeCell(stockLoss, verdict(['recovery.noneStuck'], ['probe.maxGapSeconds'])).asExpected, true);
    // Stock failing packet-loss only through a STATSZ guard (bench seed 13 before roles) is a miss.
    const viaGuard = judgeCell(stockLoss, verdict([], ['statsz.maxPerServerPerSecond']));
    assert.deepEqual([viaGuard.asExpected, viaGuard.falseNegative], [false, true]);
    assert.match(viaGuard.why, /expected a failure of recovery\.maxSeconds or recovery\.noneStuck; detectors failed \[\], guards failed \[statsz\.maxPerServerPerSecond\]/);
    assert.equal(judgeCell(stockLoss, verdict(['recovery.noneStuck'], []), true).asExpected, false, 'an incomplete run is never as expected');
  });

  it('detection matrix - a build without the bug passes; gateway-only may fail only STATSZ guards on packet-loss', () => {
    const patched = judgeCell(cell('packet-loss', 'patched'), verdict([], ['statsz.maxPerServerPerSecond']));
    assert.deepEqual([patched.asExpected, patched.falsePositive], [false, true]);
    assert.equal(judgeCell(cell('packet-loss', 'gateway-only'), verdict([], ['statsz.maxPerServerPerSecond'])).asExpected, true);
    assert.equal(judgeCell(cell('packet-loss', 'gateway-only'), verdict([], ['probe.maxGapSeconds'])).falsePositive, true);
    assert.equal(judgeCell(cell('packet-loss', 'gateway-only'), verdict(['recovery.noneStuck'], [])).falsePositive, true);
    assert.equal(judgeCell(cell('statsz-storm', 'statsz-only'), verdict([], [])).asExpected, true);
  });
});
