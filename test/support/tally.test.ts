import assert from 'node:assert/strict';
import { closingLine, skipSummary, tally, type TallyInput } from './tally.ts';

const counts = (passes: number, failures: number, pending = 0) => ({ passes, failures, pending });

describe('npm test tally', () => {
  it('npm test - the closing line counts a non-zero mocha exit as at least one failure', () => {
    const table: [TallyInput, string, RegExp | null][] = [
      [{ typecheck: true, mochaStatus: 0, counts: counts(10, 0) }, '11 passed, 0 failed', null],
      [{ typecheck: true, mochaStatus: 0, counts: counts(10, 0, 3) }, '11 passed, 0 failed, 3 skipped', null],
      [{ typecheck: true, mochaStatus: 2, counts: counts(10, 2) }, '11 passed, 2 failed', null],
      [{ typecheck: true, mochaStatus: 1, counts: counts(10, 0) }, '11 passed, 1 failed', /exited with 1 though its counts show 0 failures/],
      [{ typecheck: true, mochaStatus: null, mochaSignal: 'SIGKILL', counts: counts(4, 0) }, '5 passed, 1 failed', /was killed by SIGKILL though/],
      [{ typecheck: true, mochaStatus: 7, counts: undefined }, '1 passed, 1 failed', /exited with 7 without writing its counts/],
      [{ typecheck: false, mochaStatus: 0, counts: counts(3, 0) }, '3 passed, 1 failed', /typecheck/],
    ];
    for (const [input, line, note] of table) {
      const t = tally(input);
      assert.equal(closingLine(t), line, JSON.stringify(input));
      if (note) assert.match(t.notes.join('\n'), note);
      else assert.deepEqual(t.notes, []);
      assert.match(closingLine(t), /^\d+ passed, \d+ failed(, \d+ skipped)?$/);
    }
  });

  it('npm test - skips are summed up by reason', () => {
    assert.deepEqual(skipSummary({ ...counts(0, 0, 3), skipped: [{ title: 'a', reason: 'no engine' }, { title: 'b', reason: 'no engine' }, { title: 'c', reason: 'no go' }] }),
      ['skipped 2: no engine', 'skipped 1: no go']);
  });
});
