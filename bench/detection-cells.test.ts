import assert from 'node:assert/strict';
import { MATRIX, readingOf, selectCells } from './detection-cells.ts';

const cell = (s: string, b: string) => MATRIX.find((c) => c.scenario === s && c.build === b)!;

describe('detection bench cells', () => {
  it('detection bench - a failure reads as caught only for the cell\'s own detector', () => {
    assert.equal(readingOf(cell('packet-loss', 'stock'), 'recovery.noneStuck', 'detector'), 'caught');
    assert.equal(readingOf(cell('packet-loss', 'stock'), 'statsz.maxPerServerPerSecond', 'guard'), 'beside');
    assert.equal(readingOf(cell('packet-loss', 'gateway-only'), 'statsz.maxPerServerPerSecond', 'guard'), 'tolerated');
    assert.equal(readingOf(cell('packet-loss', 'gateway-only'), 'probe.maxGapSeconds', 'guard'), 'false positive');
    assert.equal(readingOf(cell('statsz-storm', 'patched'), 'statsz.maxPerServerPerSecond', 'detector'), 'false positive');
  });

  it('detection bench - cells are chosen as scenario/build; an unknown one is bad input listing the allowed', () => {
    assert.equal(selectCells(undefined).length, 19, 'the gate matrix (8) and the route cells (11)');
    assert.deepEqual(selectCells('statsz-storm/patched, packet-loss/stock').map((c) => `${c.scenario}/${c.build}`), ['packet-loss/stock', 'statsz-storm/patched']);
    assert.throws(() => selectCells('packet-loss/nightly'), (e: { problems: string[] }) => /packet-loss\/nightly; allowed: packet-loss\/stock, statsz-storm\/stock/.test(e.problems[0]!));
  });
});
