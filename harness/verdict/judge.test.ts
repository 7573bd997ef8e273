import assert from 'node:assert/strict';
import type { TimelineRecord } from '../timeline/records.ts';
import { judge } from './judge.ts';
import type { ThresholdResult } from './result.ts';
import type { Thresholds } from './thresholds.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';
import { judgeContext } from './context.ts';
import { T0, completeRun, connects, fault, said, faultById, link, pool, probe, restarted, run, spread, statsz, statszAt, steadyProbe, step, varz } from '../../test/support/timeline-fixtures.ts';

/** One STATSZ every 10 s from `server` over [fromS, toS): its rate when nothing restarts. */
const quiet = (server: string, id: string, fromS: number, toS: number) => {
  const out = [];
  for (let s = fromS + 1; s < toS; s += 10) out.push(statszAt(s, server, id, [0]));
  return out;
};

interface Case {
  name: string;
  thresholds: Thresholds;
  records: TimelineRecord[];
  pass: boolean;
  observed: string;
  /** Substrings that must appear in the evidence. */
  evidence?: string[];
  /** The result to look at when the thresholds produce more than one. */
  pick?: string;
}

const blackhole = [fault(10, 'blackhole', 'applied', 'iad→lhr'), fault(20, 'blackhole', 'reverted', 'iad→lhr')];
const rec = (maxSeconds: number): Thresholds => ({ recovery: { maxSeconds } });

const cases: Case[] = [
  // recovery.maxSeconds
  {
    name: 'recovery - gateway back up 3 s after the heal passes',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'handshake'), link(23, 'iad-2', 'lhr', 'up')),
    pass: true, observed: '3.0 s', evidence: ['1 link outage(s) judged'],
  },
  {
    name: 'recovery - gateway stuck in handshake after a blackhole fails',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'handshake')),
    pass: false, observed: '1 link(s) not recovered',
    evidence: ['iad-2 → lhr gateway in handshake since 8.0 s before heal of blackhole iad→lhr, still at end of run'],
  },
  {
    name: 'recovery - gateway back up 15 s after the heal fails at 10 s',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'handshake'), link(35, 'iad-2', 'lhr', 'up')),
    pass: false, observed: '15.0 s', evidence: ['iad-2 → lhr gateway up 15.0 s after heal of blackhole iad→lhr'],
  },
  {
    name: 'recovery - a drop caused by the heal itself is measured to the final up',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'down'), link(15, 'iad-2', 'lhr', 'up'),
      link(20.2, 'iad-2', 'lhr', 'down'), link(21, 'iad-2', 'lhr', 'up')),
    pass: true, observed: '1.0 s',
  },
  {
    name: 'recovery - still not up when the next fault starts fails',
    thresholds: rec(10),
    records: completeRun(90, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'handshake'),
      fault(50, 'latency', 'applied', 'lhr→syd'), link(55, 'iad-2', 'lhr', 'up'), fault(60, 'latency', 'reverted', 'lhr→syd')),
    pass: false, observed: '1 link(s) not recovered', evidence: ['still at latency lhr→syd (30.0 s after heal)'],
  },
  {
    // Recorded on patched statsz-storm: the next step's restart dropped a link 3 ms after the step
    // began and 160 ms before its `applied` record; that drop belongs to the next restart.
    name: 'recovery - a drop after the next step began (before its applied record) belongs to the next fault',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'lhr-1', 'syd', 'up'), step(5, 1, 'start'), fault(5.2, 'restart', 'applied', 'lhr-1'), link(5.2, 'lhr-1', 'syd', 'down'),
      link(6.2, 'lhr-1', 'syd', 'up'), fault(11, 'restart', 'reverted', 'lhr-1'), step(11, 1, 'end'), step(11, 2, 'start'),
      link(11.003, 'lhr-1', 'syd', 'down'), fault(11.16, 'restart', 'applied', 'syd-2'), link(12.5, 'lhr-1', 'syd', 'up'), fault(17, 'restart', 'reverted', 'syd-2')),
    pass: true, observed: '0.0 s', evidence: ['2 link outage(s) judged, 2 back up'],
  },
  {
    name: 'recovery - routes to a killed server back up 2 s after restart pass',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'lhr-2', 'lhr-1', 'up', 'route'), fault(10, 'kill', 'applied', 'lhr-1'), link(10.5, 'lhr-2', 'lhr-1', 'down', 'route'),
      fault(15, 'kill', 'reverted', 'lhr-1'), link(17, 'lhr-2', 'lhr-1', 'up', 'route')),
    pass: true, observed: '2.0 s',
  },
  {
    name: 'recovery - links that stayed up during every fault: nothing to judge',
    thresholds: rec(10),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole),
    pass: true, observed: 'n/a', evidence: ['n/a: no link left `up` during any fault'],
  },
  {
    name: 'recovery - overlapping faults are judged at the last revert',
    thresholds: rec(5),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), fault(10, 'blackhole', 'applied', 'iad→lhr'), link(12, 'iad-2', 'lhr', 'handshake'),
      fault(15, 'partition', 'applied', 'lhr→iad'), fault(20, 'blackhole', 'reverted', 'iad→lhr'), fault(30, 'partition', 'reverted', 'lhr→iad'),
      link(32, 'iad-2', 'lhr', 'up')),
    pass: true, observed: '2.0 s', evidence: ['reverted while partition lhr→iad was still applied'],
  },
  {
    name: 'recovery - a fault applied in the same millisecond as the revert touches it, not "still applied"',
    thresholds: rec(5),
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), fault(10, 'blackhole', 'applied', 'iad→lhr'), link(12, 'iad-2', 'lhr', 'handshake'),
      fault(20, 'blackhole', 'reverted', 'iad→lhr'), fault(20, 'partition', 'applied', 'lhr→iad'), fault(30, 'partition', 'reverted', 'lhr→iad'),
      link(32, 'iad-2', 'lhr', 'up')),
    pass: true, observed: '2.0 s', evidence: ['blackhole iad→lhr reverted as partition lhr→iad was applied: judged at that revert'],
  },
  // recovery.noneStuck
  {
    name: 'none stuck - every link up at the end passes',
    thresholds: { recovery: { noneStuck: true } },
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), link(0, 'iad-1', 'iad-2', 'up', 'route'), ...blackhole, link(12, 'iad-2', 'lhr', 'down'), link(22, 'iad-2', 'lhr', 'up')),
    pass: true, observed: '0 stuck',
  },
  {
    name: 'none stuck - a gateway left in handshake fails',
    thresholds: { recovery: { noneStuck: true } },
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'down'), link(22.3, 'iad-2', 'lhr', 'handshake')),
    pass: false, observed: '1 stuck', evidence: ['iad-2 → lhr gateway in handshake since 14:03:22, 37.7 s before end of run (2.3 s after heal of blackhole iad→lhr)'],
  },
  {
    name: 'none stuck - a link that dropped only inside the final window is not stuck (one late sample cannot fail a run)',
    thresholds: { recovery: { noneStuck: true, stuckWindowSeconds: 5 } },
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), link(58, 'iad-2', 'lhr', 'down')),
    pass: true, observed: '0 stuck', evidence: ['iad-2 → lhr gateway down only for the last 2.0 s: inside the final window, not judged stuck'],
  },
  {
    name: 'none stuck - no link records at all fails',
    thresholds: { recovery: { noneStuck: true } },
    records: completeRun(60, ...blackhole),
    pass: false, observed: 'no link records',
  },
  // statsz.maxPerServerPerSecond (sliding 1 s per server ID, from the first step on)
  {
    name: 'statsz per second - 21 from one server ID within a second fails at 3',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(4, 'lhr-1', 'A', [0]), statszAt(5, 'lhr-1', 'A', spread(21)), statszAt(5, 'iad-1', 'C', [500])),
    pass: false, observed: '21 msgs/s', evidence: ['lhr-1 [A] sent 21 STATSZ in the 1 s from 14:03:05.000'],
  },
  {
    name: 'statsz per second - a burst that straddles a second boundary is judged whole',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(5, 'lhr-1', 'A', [800, 850, 900]), statszAt(6, 'lhr-1', 'A', [0, 50, 100])),
    pass: false, observed: '6 msgs/s', evidence: ['lhr-1 [A] sent 6 STATSZ in the 1 s from 14:03:05.800'],
  },
  {
    name: 'statsz per second - one a second from every server passes (two a hair under a second apart count together)',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(4, 'lhr-1', 'A', [0]), statszAt(5, 'lhr-1', 'A', [0, 999]), statszAt(5, 'iad-1', 'C', [10])),
    pass: true, observed: '2 msgs/s', evidence: ['highest: lhr-1 [A] sent 2 STATSZ in the 1 s from 14:03:05.000'],
  },
  {
    name: "statsz per second - a restart's old and new IDs are judged apart",
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(5, 'lhr-1', 'old', [0, 10, 20]), statszAt(5, 'lhr-1', 'new', [500, 510, 520])),
    pass: true, observed: '3 msgs/s',
  },
  {
    name: 'statsz per second - two subscriptions seeing the same messages are not summed',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(5, 'lhr-1', 'A', [0, 1, 2], 'syd-1'), statszAt(5, 'lhr-1', 'A', [0, 1, 2], 'iad-3')),
    pass: true, observed: '3 msgs/s',
  },
  {
    name: 'statsz per second - the cold-start burst before the first step is reported, not judged',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statszAt(2, 'lhr-1', 'A', spread(15)), step(10, 0, 'start'), statszAt(12, 'lhr-1', 'A', [0])),
    pass: true, observed: '1 msgs/s', evidence: ['boot (before the first step, not judged): lhr-1 [A] sent 15 STATSZ'],
  },
  {
    name: 'statsz per second - older timelines without offsets count per second',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60, statsz(5, 'lhr-1', 'A', 7)),
    pass: false, observed: '7 msgs/s',
  },
  {
    name: 'statsz per second - no statsz records: n/a',
    thresholds: { statsz: { maxPerServerPerSecond: 3 } },
    records: completeRun(60),
    pass: true, observed: 'n/a', evidence: ['n/a: the STATSZ subscription saw no message'],
  },
  // statsz.maxExcessPerRestart: lhr-1 sends one STATSZ every 10 s when nothing restarts.
  {
    name: "statsz excess - a restarted server's burst above its baseline fails; its peers are reported beside",
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(0, 0, 'start'), ...quiet('lhr-1', 'A', 0, 20), step(20, 1, 'start'), faultById(20.2, 'f1', 1, 'restart', 'applied', 'lhr-1'),
      statszAt(20, 'lhr-1', 'B', spread(12, 300, 500)), statszAt(21, 'iad-1', 'C', [0, 5]), faultById(26, 'f1', 1, 'restart', 'reverted', 'lhr-1'), ...quiet('lhr-1', 'B', 30, 60)),
    pass: false, observed: '12 msgs', evidence: ['restart lhr-1 at 14:03:20, 5.0 s: restarted lhr-1 sent 12 (12 above its baseline); peers 2 STATSZ (2.0 KiB), 2 above baseline, most iad-1 sent 2 (2 above its baseline)'],
  },
  {
    name: 'statsz excess - a rate-limited restart (one a second at most) passes',
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(0, 0, 'start'), ...quiet('lhr-1', 'A', 0, 20), step(20, 1, 'start'), faultById(20.2, 'f1', 1, 'restart', 'applied', 'lhr-1'),
      statszAt(20, 'lhr-1', 'B', [300]), statszAt(21, 'lhr-1', 'B', [300]), statszAt(22, 'lhr-1', 'B', [300]), faultById(26, 'f1', 1, 'restart', 'reverted', 'lhr-1'), ...quiet('lhr-1', 'B', 30, 60)),
    pass: true, observed: '3 msgs',
  },
  {
    name: 'statsz excess - counted from the start of the step that restarted, not the later applied record',
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(3, 0, 'start'), statszAt(4, 'lhr-1', 'B', spread(21)), faultById(8, 'f1', 0, 'restart', 'applied', 'lhr-1'), faultById(9, 'f1', 0, 'restart', 'reverted', 'lhr-1')),
    pass: false, observed: '21 msgs', evidence: ['restart lhr-1 at 14:03:03, 5.0 s: restarted lhr-1 sent 21 (21 above its baseline)'],
  },
  {
    name: 'statsz excess - a kill is counted from when the server is back',
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(0, 0, 'start'), faultById(5, 'f1', 0, 'kill', 'applied', 'lhr-1'), faultById(20, 'f1', 0, 'kill', 'reverted', 'lhr-1'), statszAt(22, 'lhr-1', 'B', spread(21))),
    pass: false, observed: '21 msgs',
  },
  {
    name: 'statsz excess - each server seen restarting under a region-wide upgrade is judged',
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(5, 0, 'start'), faultById(5, 'f1', 0, 'upgrade', 'applied', 'lhr'), restarted(6, 'lhr-1', 'B', 'A'), restarted(7, 'lhr-2', 'D', 'C'),
      statszAt(6, 'lhr-1', 'B', spread(9)), statszAt(7, 'lhr-2', 'D', [0, 400])),
    pass: false, observed: '9 msgs', evidence: ['upgrade lhr at 14:03:05, 7.0 s: restarted lhr-1 sent 9 (9 above its baseline), lhr-2 sent 2 (2 above its baseline)'],
  },
  {
    name: "statsz excess - a peer that broadcasts for every new server ID (many restart at once) fails, though no restarted server does",
    thresholds: { statsz: { maxExcessPerRestart: 6, restartWindowSeconds: 5 } },
    records: completeRun(60, step(0, 0, 'start'), ...quiet('iad-1', 'C', 0, 20), step(20, 1, 'start'), faultById(20.2, 'f1', 1, 'restart', 'applied', 'lhr-1', 'lhr-2', 'syd-1'),
      statszAt(20, 'lhr-1', 'B', [300, 900]), statszAt(20, 'iad-1', 'C', spread(9, 400, 700)), faultById(26, 'f1', 1, 'restart', 'reverted', 'lhr-1', 'lhr-2', 'syd-1'), ...quiet('iad-1', 'C', 30, 60)),
    pass: false, observed: '9 msgs', evidence: ['peers 9 STATSZ (8.8 KiB), 9 above baseline, most iad-1 sent 9 (9 above its baseline)'],
  },
  {
    name: 'statsz excess - no restarts: n/a',
    thresholds: { statsz: { maxExcessPerRestart: 6 } },
    records: completeRun(60, ...blackhole, statszAt(5, 'lhr-1', 'A', spread(21))),
    pass: true, observed: 'n/a', evidence: ['n/a: no restart, kill or upgrade fault in the run'],
  },
  {
    name: 'statsz excess - restarts but no STATSZ seen: n/a',
    thresholds: { statsz: { maxExcessPerRestart: 6 } },
    records: completeRun(60, faultById(5, 'f1', 0, 'restart', 'applied', 'lhr-1'), faultById(6, 'f1', 0, 'restart', 'reverted', 'lhr-1')),
    pass: true, observed: 'n/a', evidence: ['n/a: 1 restart(s) but the STATSZ subscription saw no message'],
  },
  // memory.maxRssMiB
  {
    name: 'rss - a server over the ceiling fails',
    thresholds: { memory: { maxRssMiB: 256 } },
    records: completeRun(60, varz(1, 'iad-1', 'A', 40), varz(2, 'lhr-1', 'B', 300), varz(3, 'lhr-1', 'B', 120)),
    pass: false, observed: '300.0 MiB', evidence: ['lhr-1 RSS 300.0 MiB at 14:03:02'],
  },
  {
    name: 'rss - every server under the ceiling passes',
    thresholds: { memory: { maxRssMiB: 256 } },
    records: completeRun(60, varz(1, 'iad-1', 'A', 40), varz(2, 'lhr-1', 'B', 100)),
    pass: true, observed: '100.0 MiB',
  },
  // memory.maxGrowthRatio
  {
    name: 'growth - flat RSS with one noisy early sample passes (medians)',
    thresholds: { memory: { maxGrowthRatio: 1.5, growthSampleCount: 3 } },
    records: completeRun(60, ...[10, 50, 50, 50, 50, 50, 50].map((m, i) => varz(i, 'iad-1', 'A', m))),
    pass: true, observed: '×1.00',
  },
  {
    name: 'growth - RSS doubling over the run fails',
    thresholds: { memory: { maxGrowthRatio: 1.5, growthSampleCount: 3 } },
    records: completeRun(60, ...[50, 50, 50, 70, 90, 100, 100, 100].map((m, i) => varz(i, 'iad-1', 'A', m))),
    pass: false, observed: '×2.00', evidence: ['iad-1 [A] RSS 50.0 MiB → 100.0 MiB (×2.00) over 7.0 s'],
  },
  {
    name: 'growth - a restarted server is two processes, not growth',
    thresholds: { memory: { maxGrowthRatio: 1.5, growthSampleCount: 3 } },
    records: completeRun(60, ...[20, 20, 20, 20, 20, 20].map((m, i) => varz(i, 'iad-1', 'old', m)), ...[80, 80, 80, 80, 80, 80].map((m, i) => varz(10 + i, 'iad-1', 'new', m))),
    pass: true, observed: '×1.00',
  },
  {
    name: 'growth - too few samples: n/a',
    thresholds: { memory: { maxGrowthRatio: 1.5, growthSampleCount: 3 } },
    records: completeRun(60, varz(1, 'iad-1', 'A', 20), varz(2, 'iad-1', 'A', 90)),
    pass: true, observed: 'n/a',
  },
  // probe.maxLossOutsideFaults
  {
    name: 'probe loss - loss inside a fault window (and its grace) is ignored',
    thresholds: { probe: { maxLossOutsideFaults: 0, graceSeconds: 5 } },
    records: completeRun(60, ...blackhole, probe('iad', 'lhr', 0, 1), probe('iad', 'lhr', 12, 13, { lost: 40 }), probe('iad', 'lhr', 23, 24, { lost: 3 }), probe('iad', 'lhr', 40, 41)),
    pass: true, observed: '0 lost', evidence: ['43 lost inside faults not counted'],
  },
  {
    name: 'probe loss - loss outside any fault window is counted',
    thresholds: { probe: { maxLossOutsideFaults: 0, graceSeconds: 5 } },
    records: completeRun(60, ...blackhole, probe('iad', 'lhr', 12, 13, { lost: 40 }), probe('lhr', 'syd', 40, 41, { lost: 2 })),
    pass: false, observed: '2 lost', evidence: ['lhr→syd lost 2 of 20 in window 14:03:40–14:03:41 (no fault)'],
  },
  {
    name: 'probe loss - loss while the step applies the fault (before the applied record) is ignored',
    thresholds: { probe: { maxLossOutsideFaults: 0, graceSeconds: 5 } },
    records: completeRun(60, step(30, 1, 'start'), probe('iad', 'lhr', 31, 32, { lost: 7 }), fault(34, 'restart', 'applied', 'lhr-1'),
      fault(40, 'restart', 'reverted', 'lhr-1'), probe('iad', 'lhr', 50, 51)),
    pass: true, observed: '0 lost',
  },
  {
    name: 'probe loss - grace defaults to recovery.maxSeconds',
    thresholds: { recovery: { maxSeconds: 10 }, probe: { maxLossOutsideFaults: 0 } },
    records: completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, probe('iad', 'lhr', 28, 29, { lost: 5 }), probe('iad', 'lhr', 40, 41)),
    pass: true, observed: '0 lost', pick: 'probe.maxLossOutsideFaults',
  },
  // probe.maxResumeSeconds
  {
    name: 'probe resume - a pair delivering again 3 s after the heal passes',
    thresholds: { probe: { maxResumeSeconds: 5 } },
    records: completeRun(60, ...blackhole, ...steadyProbe('lhr', 'iad', 0, 10), probe('lhr', 'iad', 10, 11, { delivered: 2, gapS: 0.9 }),
      ...[11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map((s) => probe('lhr', 'iad', s, s + 1, { delivered: 0, gapS: s + 1 - 10.1 })),
      probe('lhr', 'iad', 22, 23, { delivered: 15, gapS: 12.9 }), ...steadyProbe('lhr', 'iad', 23, 30), ...steadyProbe('iad', 'syd', 0, 30)),
    pass: true, observed: '3.0 s', evidence: ['every pair delivering within 3.0 s (slowest lhr→iad)'],
  },
  {
    name: 'probe resume - a pair silent for 8 s after the heal fails at 5 s',
    thresholds: { probe: { maxResumeSeconds: 5 } },
    records: completeRun(60, ...blackhole, ...steadyProbe('lhr', 'iad', 0, 10),
      ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].map((s) => probe('lhr', 'iad', s, s + 1, { delivered: 0, gapS: s + 1 - 10 })),
      probe('lhr', 'iad', 28, 29, { delivered: 10, gapS: 18.5 }), ...steadyProbe('lhr', 'iad', 29, 35)),
    pass: false, observed: '9.0 s', evidence: ['lhr→iad delivered again 9.0 s after heal of blackhole iad→lhr'],
  },
  {
    name: 'probe resume - a pair that never delivers again fails',
    thresholds: { probe: { maxResumeSeconds: 5 } },
    records: completeRun(60, ...blackhole, ...steadyProbe('lhr', 'iad', 0, 10),
      ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24].map((s) => probe('lhr', 'iad', s, s + 1, { delivered: 0, gapS: s + 1 - 10 }))),
    pass: false, observed: '1 pair(s) never resumed', evidence: ['lhr→iad delivered nothing after heal of blackhole iad→lhr at 14:03:20'],
  },
  {
    name: 'probe resume - a pair that never stopped resumes within its longest gap',
    thresholds: { probe: { maxResumeSeconds: 5 } },
    records: completeRun(60, fault(10, 'latency', 'applied', 'iad→lhr'), fault(20.5, 'latency', 'reverted', 'iad→lhr'), ...steadyProbe('iad', 'lhr', 0, 30)),
    pass: true, observed: '0.1 s',
  },
  // probe.maxGapSeconds
  {
    name: 'probe gap - a long gap inside a fault window is ignored',
    thresholds: { probe: { maxGapSeconds: 2, graceSeconds: 5 } },
    records: completeRun(60, ...blackhole, probe('iad', 'lhr', 0, 1), probe('iad', 'lhr', 22, 23, { gapS: 11 }), probe('iad', 'lhr', 40, 41, { gapS: 0.5 })),
    pass: true, observed: '0.5 s',
  },
  {
    name: 'probe gap - a 3 s gap outside faults fails at 2 s',
    thresholds: { probe: { maxGapSeconds: 2, graceSeconds: 5 } },
    records: completeRun(60, ...blackhole, probe('iad', 'lhr', 0, 1), probe('syd', 'iad', 40, 41, { gapS: 3 })),
    pass: false, observed: '3.0 s', evidence: ['syd→iad gap 3.0 s in window 14:03:40–14:03:41 (no fault)'],
  },
  {
    name: 'probe gap - no probe records: n/a',
    thresholds: { probe: { maxGapSeconds: 2 } },
    records: completeRun(60),
    pass: true, observed: 'n/a', evidence: ['n/a: no probe records'],
  },
  // routes.poolComplete (window 5 s: the run ends at 60, so the window starts at 55)
  {
    name: 'pool - every pair holds 3 pooled routes and the SYS route: passes',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'A1', ['iad-2:3:SYS', 'iad-3:3:SYS']), pool(1, 'iad-2', 'A2', ['iad-1:3:SYS', 'iad-3:3:SYS'])),
    pass: true, observed: '0 incomplete', evidence: ['4 route pool(s) judged over 2 server(s), 0 short'],
  },
  {
    name: 'pool - a pooled slot missing since long before the final window fails, naming the pair',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'A1', ['iad-2:3:SYS', 'iad-3:3:SYS']), pool(30, 'iad-1', 'A1', ['iad-2:2:SYS', 'iad-3:3:SYS'])),
    pass: false, observed: '1 incomplete', evidence: ['iad-1 → iad-2: 2 of 3 pooled routes since 14:03:30 (30.0 s before end of run)'],
  },
  {
    name: 'pool - the system account route missing fails',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'A1', ['iad-2:3', 'iad-3:3:SYS'])),
    pass: false, observed: '1 incomplete', evidence: ['iad-1 → iad-2: no route pinned to account SYS'],
  },
  {
    name: 'pool - a slot refilled inside the final window passes',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'A1', ['iad-2:2:SYS']), pool(57, 'iad-1', 'A1', ['iad-2:3:SYS'])),
    pass: true, observed: '0 incomplete',
  },
  {
    name: 'pool - a peer first listed inside the final window is not judged',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'A1', ['iad-3:3:SYS']), pool(58, 'iad-1', 'A1', ['iad-2:1', 'iad-3:3:SYS'])),
    pass: true, observed: '0 incomplete', evidence: ['peer first listed inside the final window'],
  },
  {
    name: 'pool - an older process of a restarted server is not judged',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60, pool(1, 'iad-1', 'OLD', ['iad-2:1:SYS']), pool(20, 'iad-1', 'NEW', ['iad-2:3:SYS'])),
    pass: true, observed: '0 incomplete',
  },
  {
    name: 'pool - no route-pool records: n/a',
    thresholds: { routes: { poolComplete: true } },
    records: completeRun(60),
    pass: true, observed: 'n/a',
  },
  // routes.maxConnectsPerSecond (the first step starts at 5 s)
  {
    name: 'connects - a server reconnecting its routes 1500 times a second fails, naming the server and the second',
    thresholds: { routes: { maxConnectsPerSecond: 40 } },
    records: completeRun(60, step(5, 0, 'start'), connects(2, 'iad-2', 16, 4), connects(20, 'iad-1', 8), connects(21, 'iad-2', 1500), connects(22, 'iad-2', 1400)),
    pass: false, observed: '1500/s', evidence: ['iad-2: 1500 route and 0 gateway connection(s) created in second 14:03:21', '2 second(s) over the bound on iad-2'],
  },
  {
    name: 'connects - reconnects after a restart pass; boot is not judged',
    thresholds: { routes: { maxConnectsPerSecond: 40 } },
    records: completeRun(60, step(5, 0, 'start'), connects(1, 'iad-1', 300), connects(20, 'iad-1', 8, 2), connects(20, 'iad-2', 8)),
    pass: true, observed: '10/s',
  },
  {
    name: 'connects - no server log read: n/a',
    thresholds: { routes: { maxConnectsPerSecond: 40 } },
    records: completeRun(60),
    pass: true, observed: 'n/a',
  },
  // statsz.fresh (two servers alive; judged at each step end and at the end of the run)
  {
    name: 'fresh - every newest STATSZ says what /routez says and the servers alive: passes',
    thresholds: { statsz: { freshSeconds: 3 } },
    records: completeRun(20, pool(1, 'iad-1', 'A1', ['iad-2:3:SYS']), pool(1, 'iad-2', 'A2', ['iad-1:3:SYS']),
      said(2, 'iad-1', 'A1', ['iad-2'], 2), said(2.5, 'iad-2', 'A2', ['iad-1'], 2), step(10, 0, 'end')),
    pass: true, observed: '0 stale', evidence: ['4 server state(s) judged at 2 step end(s), 0 with a stale newest STATSZ'],
  },
  {
    name: 'fresh - a server whose last update was lost still says 1 active server 9 s after the change: fails, naming it',
    thresholds: { statsz: { freshSeconds: 3 } },
    records: completeRun(20, pool(1, 'iad-1', 'A1', ['iad-2:3:SYS']), pool(1, 'iad-2', 'A2', ['iad-1:3:SYS']),
      said(1.2, 'iad-1', 'A1', [], 1), said(2, 'iad-2', 'A2', ['iad-1'], 2), step(10, 0, 'end')),
    pass: false, observed: '2 stale',
    evidence: ['at 14:03:10 iad-1: newest STATSZ (14:03:01) says routes to nobody and 1 active server(s); its /routez lists iad-2 and 2 server(s) are alive, settled 9.0 s before'],
  },
  {
    name: 'fresh - a change inside the bound before a step end is not judged there',
    thresholds: { statsz: { freshSeconds: 3 } },
    records: completeRun(11, pool(1, 'iad-1', 'A1', []), said(1.5, 'iad-1', 'A1', [], 1), pool(9, 'iad-1', 'A1', ['iad-2:3:SYS']), step(5, 0, 'end')),
    pass: true, observed: '0 stale', evidence: ['iad-1: settled 2.0 s before the end of the run: not judged there'],
  },
  {
    name: 'fresh - no STATSZ content records: n/a',
    thresholds: { statsz: { freshSeconds: 3 } },
    records: completeRun(20, pool(1, 'iad-1', 'A1', ['iad-2:3:SYS'])),
    pass: true, observed: 'n/a',
  },
];

function only(records: TimelineRecord[], thresholds: Thresholds, pick?: string): ThresholdResult {
  const v = judge(records, thresholds);
  if (pick) return v.results.find((r) => r.name === pick)!;
  assert.equal(v.results.length, 1, `expected one result, got ${v.results.map((r) => r.name).join(', ')}`);
  return v.results[0]!;
}

describe('judge', () => {
  for (const c of cases) {
    it(`judge - ${c.name}`, () => {
      const r = only(c.records, c.thresholds, c.pick);
      const shown = `${r.observed} / ${r.pass}\n${r.evidence.join('\n')}`;
      assert.equal(r.observed, c.observed, shown);
      assert.equal(r.pass, c.pass, shown);
      for (const e of c.evidence ?? []) assert.ok(r.evidence.some((line) => line.includes(e)), `evidence lacks "${e}":\n${shown}`);
    });
  }

  it('judge - a run without an end record is incomplete and does not pass', () => {
    const v = judge([run('start', 0), link(0, 'iad-1', 'lhr', 'up')], { recovery: { noneStuck: true } });
    assert.deepEqual({ pass: v.pass, incomplete: v.incomplete, resultPass: v.results[0]!.pass }, { pass: false, incomplete: true, resultPass: true });
  });

  it('judge - a clean complete run passes every default threshold', () => {
    const records = completeRun(60, link(0, 'iad-1', 'lhr', 'up'), ...blackhole, link(12, 'iad-1', 'lhr', 'down'), link(21, 'iad-1', 'lhr', 'up'),
      statsz(5, 'lhr-1', 'A', 1), ...[40, 40, 40, 40, 40, 41, 41, 41, 41, 41].map((m, i) => varz(i, 'iad-1', 'A', m)), ...steadyProbe('iad', 'lhr', 0, 60));
    const v = judge(records, DEFAULT_THRESHOLDS);
    assert.deepEqual(v.results.filter((r) => !r.pass), []);
    assert.deepEqual({ pass: v.pass, incomplete: v.incomplete }, { pass: true, incomplete: false });
    assert.deepEqual(v.results.map((r) => r.name), [
      'recovery.maxSeconds', 'recovery.noneStuck', 'statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart', 'memory.maxRssMiB',
      'memory.maxGrowthRatio', 'probe.maxLossOutsideFaults', 'probe.maxResumeSeconds', 'probe.maxGapSeconds',
    ]);
  });

  it('judge - thresholds left out or null are not reported', () => {
    const v = judge(completeRun(10), { recovery: { maxSeconds: null, noneStuck: false }, statsz: { maxPerServerPerSecond: null } });
    assert.deepEqual(v, { pass: true, incomplete: false, results: [], detectorsFailed: [], guardsFailed: [] });
  });

  it('judge - a detector with nothing to judge fails with "no data"; a guard with nothing to judge is n/a', () => {
    const v = judge(completeRun(60, link(0, 'iad-1', 'lhr', 'up')), { statsz: { maxPerServerPerSecond: 3, maxExcessPerRestart: 6 } }, { detectors: ['statsz.maxPerServerPerSecond'] });
    const [detector, guard] = v.results;
    assert.deepEqual([detector!.name, detector!.role, detector!.status, detector!.pass, detector!.observed], ['statsz.maxPerServerPerSecond', 'detector', 'fail', false, 'no data']);
    assert.match(detector!.evidence[0]!, /^no data: .*the STATSZ subscription saw no message/);
    assert.deepEqual([guard!.name, guard!.role, guard!.status, guard!.pass, guard!.observed], ['statsz.maxExcessPerRestart', 'guard', 'n/a', true, 'n/a']);
    assert.deepEqual({ pass: v.pass, detectorsFailed: v.detectorsFailed, guardsFailed: v.guardsFailed }, { pass: false, detectorsFailed: ['statsz.maxPerServerPerSecond'], guardsFailed: [] });
  });

  it('judge - a failed run names which detector and which guard failed', () => {
    const records = completeRun(60, link(0, 'iad-2', 'lhr', 'up'), ...blackhole, link(12, 'iad-2', 'lhr', 'handshake'), step(2, 0, 'start'), statszAt(30, 'lhr-1', 'A', spread(9)));
    const v = judge(records, { recovery: { noneStuck: true }, statsz: { maxPerServerPerSecond: 3 } }, { detectors: ['recovery.noneStuck'] });
    assert.deepEqual({ detectorsFailed: v.detectorsFailed, guardsFailed: v.guardsFailed }, { detectorsFailed: ['recovery.noneStuck'], guardsFailed: ['statsz.maxPerServerPerSecond'] });
    assert.deepEqual(v.results.map((r) => `${r.name}:${r.role}:${r.status}`), ['recovery.noneStuck:detector:fail', 'statsz.maxPerServerPerSecond:guard:fail']);
  });

  it('judge - fault records pair by id and take their start from their own step, however long ago it began', () => {
    const records = completeRun(400, step(0, 0, 'start'), step(10, 1, 'start'), faultById(10.1, 'f1', 1, 'restart', 'applied', 'lhr-1'),
      faultById(10.2, 'f2', 1, 'restart', 'applied', 'lhr-1'), faultById(300, 'f2', 1, 'restart', 'reverted', 'lhr-1'), faultById(301, 'f1', 1, 'restart', 'reverted', 'lhr-1'));
    const ctx = judgeContext(records);
    assert.deepEqual(ctx.faults.map((f) => [f.id, f.begun - T0, f.reverted! - T0]), [['f1', 10_000, 301_000], ['f2', 10_000, 300_000]]);
  });

  it('judge - records out of order give the same verdict', () => {
    const c = cases[1]!;
    assert.deepEqual(judge([...c.records].reverse(), c.thresholds), judge(c.records, c.thresholds));
  });
});
