import assert from 'node:assert/strict';
import { BadInputError } from './errors.ts';
import { checkRunId, runIdProblem } from './run-id.ts';

describe('run-id', () => {
  const good = ['20261205T010203Z-packet-loss', '20261205T010203-a1b2c3', 'rollout-1', 'a', 'x.y_z-2'];
  for (const id of good) it(`run-id - accepts ${id}`, () => assert.equal(runIdProblem(id), undefined));
  const bad: [string, unknown][] = [
    ['a parent path', '../../../x'], ['a path', 'a/b'], ['dot dot inside', 'a..b'], ['a leading dot', '.hidden'],
    ['empty', ''], ['a backslash', 'a\\b'], ['a space', 'a b'], ['a NUL', 'a\0b'], ['too long', 'a'.repeat(129)],
    ['a number', 7], ['a colon', 'compose:x'],
  ];
  for (const [name, id] of bad) it(`run-id - refuses ${name}`, () => assert.ok(runIdProblem(id)));
  it('run-id - a newline in a bad id stays on the problem\'s one line', () => assert.equal(runIdProblem('a\nb')?.includes('\n'), false));
  it('run-id - checkRunId names where the id came from and the rule', () => {
    assert.throws(() => checkRunId('../x', '--run'), (e: unknown) => e instanceof BadInputError && /^--run: "\.\.\/x" is not a run id: letters/.test(e.problems[0]!));
  });
});
