import assert from 'node:assert/strict';
import { closingLine, parseCounts, skipSummary, tally, type MochaCounts, type TallyInput } from './tally.ts';

const counts = (passes: number, failures: number, pending = 0, notRun = 0, skipped: MochaCounts['skipped'] = []): MochaCounts =>
  ({ passes, failures, pending, notRun, skipped: skipped.length ? skipped : Array.from({ length: pending }, (_, k) => ({ title: `s${k}`, reason: 'no engine' })) });

describe('npm test tally', () => {
  it('npm test - the closing line counts every way a run can look green without being so as a failure', () => {
    const table: [TallyInput, string, RegExp | null][] = [
      [{ typecheck: true, mochaStatus: 0, counts: counts(10, 0) }, '11 passed, 0 failed', null],
      [{ typecheck: true, mochaStatus: 0, counts: counts(10, 0, 3) }, '11 passed, 0 failed, 3 skipped', null],
      [{ typecheck: true, mochaStatus: 2, counts: counts(10, 2) }, '11 passed, 2 failed', null],
      [{ typecheck: true, mochaStatus: 1, counts: counts(10, 0) }, '11 passed, 1 failed', /exited with 1 though its counts show 0 failures/],
      [{ typecheck: true, mochaStatus: null, mochaSignal: 'SIGKILL', counts: counts(4, 0) }, '5 passed, 1 failed', /was killed by SIGKILL though/],
      [{ typecheck: true, mochaStatus: 7, counts: undefined }, '1 passed, 1 failed', /exited with 7 without writing its counts/],
      [{ typecheck: false, mochaStatus: 0, counts: counts(3, 0) }, '3 passed, 1 failed', /typecheck/],
      // A failed before(): mocha counts the hook once and its three tests nowhere.
      [{ typecheck: true, mochaStatus: 1, counts: counts(2, 1, 0, 3) }, '3 passed, 4 failed', /3 tests never ran/],
      // it.skip / xit / a bare this.skip(): no reason, so not a skip but a failure.
      [{ typecheck: true, mochaStatus: 0, counts: counts(2, 0, 2, 0, [{ title: 'a x', reason: null }, { title: 'a y', reason: 'no engine' }]) }, '3 passed, 1 failed, 1 skipped', /skipped without a reason .*: a x/],
      [{ typecheck: true, mochaStatus: 0, counts: undefined, countsError: 'c.json: not JSON' }, '1 passed, 1 failed', /counts file is unreadable \(c\.json: not JSON\)/],
      // The floor: a stray .only that slipped past, or a lost file, leaves too few tests.
      [{ typecheck: true, mochaStatus: 0, counts: counts(10, 0), floor: 600 }, '11 passed, 1 failed', /only 11 tests counted, fewer than the floor of 600/],
      [{ typecheck: true, mochaStatus: 0, counts: counts(598, 0, 1), floor: 600 }, '599 passed, 0 failed, 1 skipped', null],
    ];
    for (const [input, line, note] of table) {
      const t = tally(input);
      assert.equal(closingLine(t), line, JSON.stringify(input));
      if (note) assert.match(t.notes.join('\n'), note);
      else assert.deepEqual(t.notes, []);
      assert.match(closingLine(t), /^\d+ passed, \d+ failed(, \d+ skipped)?$/);
    }
  });

  it('npm test - a counts file that is not what the reporter writes is an error, never a count', () => {
    assert.deepEqual(parseCounts('{"passes":3,"failures":0,"pending":0,"notRun":0,"skipped":[]}'), { counts: counts(3, 0) });
    const table: [string, RegExp][] = [
      ['{"passes":3,"failu', /not JSON/],
      ['', /not JSON/],
      ['[1,2]', /not an object/],
      ['null', /not an object/],
      ['{"passes":"3","failures":0,"pending":0,"notRun":0,"skipped":[]}', /passes must be a whole number ≥ 0, got "3"/],
      ['{"passes":3,"failures":-1,"pending":0,"skipped":[]}', /failures must be .* got -1; notRun must be .* got undefined/],
      ['{"passes":3,"failures":0,"pending":1,"notRun":0,"skipped":[]}', /skipped lists 0 tests but pending is 1/],
      ['{"passes":3,"failures":0,"pending":1,"notRun":0,"skipped":[{"title":1}]}', /skipped must be a list/],
    ];
    for (const [text, error] of table) {
      const p = parseCounts(text);
      assert.ok('error' in p, text);
      assert.match(p.error, error, text);
    }
  });

  it('npm test - skips are summed up by reason', () => {
    assert.deepEqual(skipSummary(counts(0, 0, 3, 0, [{ title: 'a', reason: 'no engine' }, { title: 'b', reason: 'no engine' }, { title: 'c', reason: 'no go' }])),
      ['skipped 2: no engine', 'skipped 1: no go']);
  });
});
