import assert from 'node:assert/strict';
import { BadInputError, EXIT } from '../../core/errors.ts';
import type { Verdict } from '../verdict/result.ts';
import { command, parseDuration, planWatch, watchExitCode } from './watch.ts';

const verdict = (pass: boolean): Verdict => ({ pass, incomplete: false, results: [], detectorsFailed: [], guardsFailed: pass ? [] : ['statsz.maxPerServerPerSecond'] });

describe('watch cli - flags and exit codes', () => {
  it('watch cli - every bad flag at once, naming the flag, the bad value and what is allowed (exit 2), before attaching', () => {
    let err: unknown;
    try {
      planWatch({ attach: 'external:/nonexistent/cluster.yaml', window: '2s', duration: 'soon', threshold: ['statsz.nope=1'] });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof BadInputError, String(err));
    assert.equal(err.exitCode, EXIT.badInput);
    const all = err.problems.join('\n');
    assert.match(all, /--window: "2s"; allowed: a duration such as 90s, 10m or 1h, from 10s to 1h/);
    assert.match(all, /--duration: "soon"; allowed: a duration/);
    assert.match(all, /statsz\.nope/);
    assert.match(all, /\/nonexistent\/cluster\.yaml/);
  });

  it('watch cli - durations: 90s, 1.5m, 2h; a bare number is not one', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('2h'), 7_200_000);
    assert.equal(parseDuration('10'), undefined);
  });

  it('watch cli - exit codes: 1 on a failed threshold (whatever ended the watch), 130/143 on a signal before the duration, else 0', () => {
    assert.equal(watchExitCode({ verdict: verdict(false), endedBy: 'fail-fast', incomplete: false }), EXIT.thresholdFailed);
    assert.equal(watchExitCode({ verdict: verdict(false), endedBy: 'signal', incomplete: true, signal: 'SIGINT' }), EXIT.thresholdFailed);
    assert.equal(watchExitCode({ verdict: verdict(true), endedBy: 'duration', incomplete: false }), EXIT.pass);
    assert.equal(watchExitCode({ verdict: verdict(true), endedBy: 'signal', incomplete: false, signal: 'SIGINT' }), EXIT.pass);
    assert.equal(watchExitCode({ verdict: verdict(true), endedBy: 'signal', incomplete: true, signal: 'SIGINT' }), EXIT.interrupted);
    assert.equal(watchExitCode({ verdict: verdict(true), endedBy: 'signal', incomplete: true, signal: 'SIGTERM' }), EXIT.terminated);
  });

  it('watch cli - the probe is on unless --no-probe; --probe says so explicitly', async () => {
    const probeOf = async (...flags: string[]): Promise<unknown> => {
      let seen: unknown;
      const c = command().exitOverride();
      c.action((o: { probe: unknown }) => { seen = o.probe; });
      await c.parseAsync(['--attach', 'latest', ...flags], { from: 'user' });
      return seen;
    };
    assert.equal(await probeOf(), true);
    assert.equal(await probeOf('--probe'), true);
    assert.equal(await probeOf('--no-probe'), false);
  });
});
