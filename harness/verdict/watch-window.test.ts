import assert from 'node:assert/strict';
import { link, restarted, run, serverState, spread, statszAt, steadyProbe, T0, varz, probe } from '../../test/support/timeline-fixtures.ts';
import type { TimelineRecord } from '../timeline/records.ts';
import { observedFaults, observedOutages } from './observed-faults.ts';
import { CHECK_KEYS } from './registry.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';
import { judgeWatchWindow, SlidingJudge, WATCH_JUDGING } from './watch-window.ts';

const at = (s: number): number => T0 + s * 1000;
const result = (v: ReturnType<typeof judgeWatchWindow>, name: string) => v.results.find((r) => r.name === name)!;

/** One STATSZ every 10 s per server over [fromS, toS), plus /varz samples every second: a quiet cluster. */
function quiet(fromS: number, toS: number, servers = ['iad-1', 'lhr-1', 'syd-1']): TimelineRecord[] {
  const out: TimelineRecord[] = [link(fromS, 'iad-1', 'lhr', 'up')];
  for (const s of servers) {
    for (let t = fromS; t < toS; t++) out.push(varz(t, s, `${s}-a`, 20));
    for (let t = fromS + 1; t < toS; t += 10) out.push(statszAt(t, s, `${s}-a`, [0]));
  }
  return out;
}

describe('watch window - judging a cluster brownout only watches', () => {
  it('watch window - a STATSZ burst inside the window fails statsz.maxPerServerPerSecond, naming the server', () => {
    const records = [run('start', 0), ...quiet(0, 40), statszAt(30, 'lhr-1', 'lhr-1-a', spread(9, 0, 300))];
    const v = judgeWatchWindow(records, DEFAULT_THRESHOLDS, { from: at(10), to: at(40) });
    const r = result(v, 'statsz.maxPerServerPerSecond');
    assert.equal(r.status, 'fail');
    assert.equal(r.observedValue, 9);
    assert.match(r.evidence[0]!, /^lhr-1 \[lhr-1-a\] sent 9 STATSZ/);
    assert.deepEqual(v.guardsFailed, ['statsz.maxPerServerPerSecond']);
  });

  it('watch window - the same burst before the window is not judged in it (no boot line either)', () => {
    const records = [run('start', 0), ...quiet(0, 60), statszAt(5, 'lhr-1', 'lhr-1-a', spread(9, 0, 300))];
    const r = result(judgeWatchWindow(records, DEFAULT_THRESHOLDS, { from: at(30), to: at(60) }), 'statsz.maxPerServerPerSecond');
    assert.equal(r.status, 'pass');
    assert.equal(r.observedValue, 1);
    assert.ok(!r.evidence.some((e) => e.startsWith('boot')), r.evidence.join('\n'));
  });

  it('watch window - a server back under a new ID is a restart: its STATSZ excess is judged without any fault step', () => {
    const records = [
      run('start', 0), ...quiet(0, 40, ['iad-1', 'syd-1']), ...quiet(0, 20, ['lhr-1']),
      serverState(20, 'lhr-1', 'unreachable', 'lhr-1-a'), restarted(22, 'lhr-1', 'lhr-1-b', 'lhr-1-a'),
      statszAt(22, 'lhr-1', 'lhr-1-b', spread(12, 0, 600)), statszAt(23, 'iad-1', 'iad-1-a', spread(8, 0, 500)),
    ];
    const faults = observedFaults(records);
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.fault, 'restart');
    assert.deepEqual(faults[0]!.targets, ['lhr-1']);
    assert.equal(faults[0]!.reverted, at(22));
    const v = judgeWatchWindow(records, DEFAULT_THRESHOLDS, { from: at(10), to: at(40) });
    const excess = result(v, 'statsz.maxExcessPerRestart');
    assert.equal(excess.status, 'fail');
    assert.match(excess.evidence[0]!, /^restart lhr-1 \(observed\)/);
    assert.equal(result(v, 'statsz.maxPerServerPerSecond').status, 'fail');
  });

  it('watch window - servers seen out together are one restart, one after the other are apart', () => {
    const together = [
      serverState(10, 'iad-1', 'unreachable'), serverState(10, 'lhr-1', 'unreachable'),
      restarted(12, 'iad-1', 'b', 'a'), restarted(12.5, 'lhr-1', 'd', 'c'),
    ];
    assert.deepEqual(observedFaults(together).map((f) => f.targets), [['iad-1', 'lhr-1']]);
    const rolling = [
      serverState(10, 'iad-1', 'unreachable'), restarted(12, 'iad-1', 'b', 'a'),
      serverState(12.5, 'lhr-1', 'unreachable'), restarted(14, 'lhr-1', 'd', 'c'),
    ];
    assert.deepEqual(observedFaults(rolling).map((f) => f.targets), [['iad-1'], ['lhr-1']]);
    // A server stopped for good: an open outage, which later ones do not join.
    const open = [serverState(10, 'iad-1', 'unreachable'), serverState(30, 'lhr-1', 'unreachable'), restarted(31, 'lhr-1', 'd', 'c')];
    assert.deepEqual(observedFaults(open).map((f) => [f.targets, f.reverted]), [[['iad-1'], null], [['lhr-1'], at(31)]]);
    // The outage begins at the last answer (a varz sample) before the server was seen out.
    assert.equal(observedOutages([varz(9.5, 'iad-1', 'a', 20), serverState(10, 'iad-1', 'unreachable'), restarted(12, 'iad-1', 'b', 'a')])[0]!.begun, at(9.5));
  });

  it('watch window - a new server ID on the STATSZ subscription is a restart too, once (not again when /varz saw it)', () => {
    const statszOnly = [statszAt(10, 'lhr-1', 'lhr-1-a', [100]), statszAt(20, 'lhr-1', 'lhr-1-a', [100]), statszAt(23, 'lhr-1', 'lhr-1-b', [400, 600])];
    assert.deepEqual(observedOutages(statszOnly).map((o) => [o.server, o.begun, o.back, o.restarted]), [['lhr-1', at(20.1), at(23.4), true]]);
    const both = [...statszOnly, varz(20.5, 'lhr-1', 'lhr-1-a', 20), restarted(23.5, 'lhr-1', 'lhr-1-b', 'lhr-1-a')];
    assert.deepEqual(observedOutages(both).map((o) => [o.server, o.back]), [['lhr-1', at(23.5)]]);
  });

  it('watch window - recovery after an observed restart: judged only once the bound is over, failing a link that never came back', () => {
    const records = [
      run('start', 0), link(0, 'iad-1', 'lhr-1', 'up', 'route'), link(0, 'iad-2', 'lhr', 'up'),
      varz(9, 'lhr-1', 'a', 20), serverState(10, 'lhr-1', 'unreachable'), link(10, 'iad-1', 'lhr-1', 'down', 'route'), link(10, 'iad-2', 'lhr', 'down'),
      restarted(12, 'lhr-1', 'b', 'a'), link(13, 'iad-1', 'lhr-1', 'up', 'route'),
    ];
    const early = result(judgeWatchWindow(records, DEFAULT_THRESHOLDS, { from: at(0), to: at(18) }), 'recovery.maxSeconds');
    assert.equal(early.status, 'n/a', early.evidence.join('\n'));
    const late = result(judgeWatchWindow(records, DEFAULT_THRESHOLDS, { from: at(0), to: at(30) }), 'recovery.maxSeconds');
    assert.equal(late.status, 'fail');
    assert.match(late.evidence.join('\n'), /iad-2 → lhr gateway not up again 18\.0 s after restart lhr-1 \(observed\)/);
    const healed = [...records, link(15, 'iad-2', 'lhr', 'up')];
    const ok = result(judgeWatchWindow(healed, DEFAULT_THRESHOLDS, { from: at(0), to: at(30) }), 'recovery.maxSeconds');
    assert.equal(ok.status, 'pass');
    assert.equal(ok.observed, '3.0 s');
  });

  it('watch window - recovery.noneStuck leaves out the links of a server out of service lately, and fails a link stuck between two that answer', () => {
    const base = [run('start', 0), link(0, 'iad-1', 'lhr', 'up'), link(0, 'iad-2', 'syd', 'up'), varz(0, 'iad-1', 'a', 20), varz(0, 'iad-2', 'c', 20)];
    const restarting = [...base, serverState(20, 'iad-1', 'unreachable'), link(20, 'iad-1', 'lhr', 'down')];
    const r1 = result(judgeWatchWindow(restarting, DEFAULT_THRESHOLDS, { from: at(0), to: at(30) }), 'recovery.noneStuck');
    assert.equal(r1.status, 'pass', r1.evidence.join('\n'));
    assert.match(r1.evidence.join('\n'), /left out .*links of iad-1/);
    const stuck = [...base, link(20, 'iad-2', 'syd', 'handshake')];
    const r2 = result(judgeWatchWindow(stuck, DEFAULT_THRESHOLDS, { from: at(0), to: at(30) }), 'recovery.noneStuck');
    assert.equal(r2.status, 'fail');
    assert.match(r2.evidence[0]!, /^iad-2 → syd gateway in handshake/);
  });

  it('watch window - probe loss during an observed outage is not counted, loss outside one is', () => {
    const records = [
      run('start', 0), ...steadyProbe('iad', 'lhr', 0, 40), varz(9, 'lhr-1', 'a', 20), serverState(10, 'lhr-1', 'unreachable'), restarted(12, 'lhr-1', 'b', 'a'),
    ];
    const inside = records.map((r) => (r.kind === 'probe' && r.windowStart === at(11) ? { ...r, lost: 5 } : r));
    assert.equal(result(judgeWatchWindow(inside, DEFAULT_THRESHOLDS, { from: at(0), to: at(40) }), 'probe.maxLossOutsideFaults').status, 'pass');
    const outside = [...records, probe('iad', 'lhr', 35, 36, { lost: 3 })];
    const r = result(judgeWatchWindow(outside, DEFAULT_THRESHOLDS, { from: at(0), to: at(40) }), 'probe.maxLossOutsideFaults');
    assert.equal(r.status, 'fail');
    assert.equal(r.observedValue, 3);
  });

  it('watch window - SlidingJudge remembers the first failure, and the final verdict keeps it failed after the window moved on', () => {
    // In time order, as the observer appends them: the judge reads only what is new each time.
    const records = [run('start', 0), ...quiet(0, 100), statszAt(20, 'syd-1', 'syd-1-a', spread(7, 0, 200))].sort((a, b) => a.t - b.t);
    const j = new SlidingJudge(DEFAULT_THRESHOLDS, 30_000, at(0));
    assert.equal(j.judge(records.filter((r) => r.t <= at(15)), at(15)).verdict.pass, true);
    const hit = j.judge(records.filter((r) => r.t <= at(22)), at(22));
    assert.deepEqual(hit.newFailures.map((f) => f.name), ['statsz.maxPerServerPerSecond']);
    assert.equal(j.judge(records.filter((r) => r.t <= at(23)), at(23)).newFailures.length, 0, 'a failure is new once');
    // 80 s later the burst is out of the window: the window passes, the watch does not.
    assert.equal(j.judge(records, at(100)).verdict.pass, true);
    const final = j.final(records, at(100));
    assert.equal(final.pass, false);
    const r = final.results.find((x) => x.name === 'statsz.maxPerServerPerSecond')!;
    assert.equal(r.status, 'fail');
    assert.equal(j.failures[0]!.at, at(22));
  });

  it('watch window - every judged threshold says how a watch judges it', () => {
    for (const k of CHECK_KEYS) assert.ok(WATCH_JUDGING[k] && WATCH_JUDGING[k] !== 'setting', k);
  });
});
