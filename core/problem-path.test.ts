import assert from 'node:assert/strict';
import { formatPath, prefixProblem, problemAt, schemaProblems, showValue } from './problem-path.ts';

describe('problem path', () => {
  it('problem path - one format: dots between names, brackets for indexes, quotes for keys that are not plain names', () => {
    const table: [PropertyKey[], string][] = [
      [[], ''],
      [['regions', 0, 'name'], 'regions[0].name'],
      [['regions', '1', 'servers'], 'regions[1].servers'],
      [['stages', 2, 'settings', 'recovery.stuckWindowSeconds'], 'stages[2].settings.recovery.stuckWindowSeconds'],
      [['variants', 'iad-2'], 'variants.iad-2'],
      [['variants', ''], 'variants[""]'],
      [['a b', 'c:d'], '["a b"]["c:d"]'],
      [['x', '-1'], 'x["-1"]'],
    ];
    for (const [parts, want] of table) assert.equal(formatPath(parts), want, JSON.stringify(parts));
  });

  it('problem path - a problem is one line with its path; the top level is named', () => {
    assert.equal(problemAt([], 'expected an object'), '(top level): expected an object');
    assert.equal(problemAt(['name'], '"a\nb" is not a name'), 'name: "a\\nb" is not a name');
  });

  it('problem path - another validator\'s problems go under a prefix, in the same format', () => {
    assert.equal(prefixProblem(['topology'], 'regions[0].name: bad'), 'topology.regions[0].name: bad');
    assert.equal(prefixProblem(['thresholds'], 'statsz.maxPerServerPerSecond: bad'), 'thresholds.statsz.maxPerServerPerSecond: bad');
    assert.equal(prefixProblem(['cluster', 'topology'], '(top level): expected object'), 'cluster.topology: expected object');
    assert.equal(prefixProblem(['list'], '[2]: bad'), 'list[2]: bad');
    assert.equal(prefixProblem(['topology'], '[" a:b"]: unknown key'), 'topology[" a:b"]: unknown key');
  });

  it('problem path - schema problems name the bad value, unknown keys one by one', () => {
    const input = { a: { b: [5, 'x'] } };
    assert.deepEqual(schemaProblems(['cfg'], [
      { code: 'too_small', path: ['a', 'b', 0], message: 'Too small: expected number to be >=10' },
      { code: 'invalid_type', path: ['a', 'b', 1], message: 'Invalid input: expected number, received string' },
      { code: 'invalid_type', path: ['a', 'c'], message: 'Invalid input: expected number, received undefined' },
      { code: 'unrecognized_keys', path: ['a'], message: 'Unrecognized keys', keys: ['z', 'y'] },
      { code: 'custom', path: ['a', 'b', 1], message: '"x" is not allowed' },
    ], input), [
      'cfg.a.b[0]: Too small: expected number to be >=10, got 5',
      'cfg.a.b[1]: expected number, got "x"',
      'cfg.a.c: expected number, got nothing',
      'cfg.a.z: unknown key',
      'cfg.a.y: unknown key',
      'cfg.a.b[1]: "x" is not allowed',
    ]);
    assert.equal(showValue(Number.NaN), 'NaN');
    assert.equal(showValue('y'.repeat(100)), `"${'y'.repeat(79)}…`);
  });
});
