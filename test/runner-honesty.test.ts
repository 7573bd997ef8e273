// The runner's own honesty: tiny mocha files under test/support/fixtures/ run through the same
// mocha options, reporter and tally as `npm test`, one for each way a run could look green while
// tests went unrun or unseen.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from './support/temp-dir.ts';
import os from 'node:os';
import path from 'node:path';
import { readCounts, runMocha, type MochaRun } from './support/mocha-run.ts';
import { closingLine, tally, type Tally } from './support/tally.ts';
import { testFiles } from './support/test-files.ts';

const fixture = (name: string) => `test/support/fixtures/${name}.fixture.ts`;
const GREEN = /^\d+ passed, 0 failed(, \d+ skipped)?$/;

function run(names: string[], ci = false, floor?: number): { run: MochaRun; t: Tally; line: string } {
  const r = runMocha({ files: names.map(fixture), ci, stdio: 'pipe' });
  const t = tally({ typecheck: true, ...r, floor });
  return { run: r, t, line: closingLine(t) };
}

describe('npm test runner', function () {
  this.timeout(120_000);

  it('runner - the fixtures pass through the real path green when nothing is wrong', () => {
    const { line, t } = run(['passes']);
    assert.equal(line, '3 passed, 0 failed', t.notes.join('\n'));
  });

  it('runner - a stray .only fails the run instead of printing a green line for one test', () => {
    const { run: r, line, t } = run(['passes', 'only']);
    assert.doesNotMatch(line, GREEN);
    assert.notEqual(r.mochaStatus, 0);
    assert.match(r.output, /ERR_MOCHA_FORBIDDEN_EXCLUSIVITY|\.only forbidden/);
    assert.match(t.notes.join('\n'), /without writing its counts/);
  });

  it('runner - a test file that fails to import is counted as failed', () => {
    const { run: r, line } = run(['passes', 'import-error']);
    assert.doesNotMatch(line, GREEN);
    assert.match(r.output, /fixture: this file fails to import/);
  });

  it('runner - a failed before() counts its hook and every test it kept from running as failed', () => {
    const { line, t } = run(['passes', 'before-fails']);
    // 1 typecheck + 2 passes; the hook and its 3 tests (two direct, one nested).
    assert.equal(line, '3 passed, 4 failed');
    assert.match(t.notes.join('\n'), /3 tests never ran/);
  });

  it('runner - a skip without a reason is a failure, and under CI every skip is', () => {
    const outside = run(['skips']);
    assert.equal(outside.line, '1 passed, 1 failed, 1 skipped');
    assert.match(outside.t.notes.join('\n'), /skipped without a reason .*fixture skips fixture - skipped without a reason/);
    const ci = run(['skips'], true);
    assert.equal(ci.line, '1 passed, 2 failed');
    assert.match(ci.run.output, /a skip fails under CI; it was skipped because: fixture: the real part is missing/);
  });

  it('runner - a counts file that is torn or not the reporter\'s is not a green line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-counts-'));
    for (const [name, text] of <[string, string][]>[['torn', '{"passes":660,"failures":0,"pen'], ['foreign', '{"passes":660}'], ['empty', '']]) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, text);
      const t = tally({ typecheck: true, mochaStatus: 0, ...readCounts(file) });
      assert.doesNotMatch(closingLine(t), GREEN, name);
      assert.match(t.notes.join('\n'), new RegExp(`counts file is unreadable \\(${file.replace(/[.]/g, '\\.')}: `), name);
    }
  });

  it('runner - fewer tests than the floor is not a green line', () => {
    const { line, t } = run(['passes'], false, 600);
    assert.equal(line, '3 passed, 1 failed');
    assert.match(t.notes.join('\n'), /only 3 tests counted, fewer than the floor of 600/);
  });

  it('runner - report-html\'s newest-real-run case fails under CI when there is no real run, and says why when it skips elsewhere', () => {
    const runs = mkdtempSync(path.join(os.tmpdir(), 'brownout-no-runs-'));
    const one = (ci: string | undefined) => {
      const { CI: _ci, ...env } = process.env;
      const r = runMocha({ files: ['test/report-html.test.ts'], extra: ['--grep', 'newest real run'], ci: false, stdio: 'pipe',
        env: { ...env, BROWNOUT_RUNS_DIR: runs, ...(ci ? { CI: ci } : {}) } });
      return { r, line: closingLine(tally({ typecheck: true, ...r })) };
    };
    const inCi = one('1');
    assert.equal(inCi.line, '1 passed, 1 failed', inCi.r.output);
    assert.match(inCi.r.output, /no real run with a report\.html under .*; CI must check one/);
    const outside = one(undefined);
    assert.equal(outside.line, '1 passed, 0 failed, 1 skipped', outside.r.output);
    assert.deepEqual(outside.r.counts?.skipped.map((s) => s.reason?.replace(runs, 'RUNS')), [
      'no real run with a report.html under RUNS yet (run npm run chaos, or set BROWNOUT_REPORT_RUN=runs/<id>)']);
  });

  it('runner - npm test collects *.test.ts and never the fixtures', () => {
    const files = testFiles();
    assert.ok(files.includes('test/runner-honesty.test.ts'), 'this file is collected');
    assert.deepEqual(files.filter((f) => f.includes('fixtures')), []);
  });
});
