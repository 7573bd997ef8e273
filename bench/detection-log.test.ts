import assert from 'node:assert/strict';
import { MATRIX, cellKey } from './detection-cells.ts';
import { actualText, latestRecords, parseLog, pendingRuns, runKey, verdictOf, type PendingRun, type RunRecord } from './detection-log.ts';
import { rec } from './detection-fixtures.ts';
import { benchOptions, parseBudget, parseSeeds } from './detection-options.ts';

const line = (r: RunRecord) => JSON.stringify(r);
const keysOf = (rs: PendingRun[]) => rs.map((p) => `${cellKey(p.cell)} ${p.backend} ${p.seed}`);

describe('detection bench log', () => {
  it('detection bench - pending runs go backend by backend, every cell for a seed before the next seed, skipping what the log holds', () => {
    const two = [MATRIX[0]!, MATRIX[1]!];
    const cases: { name: string; backends: ('local' | 'docker')[]; seeds: number[]; done: RunRecord[]; want: string[] }[] = [
      { name: 'empty log', backends: ['local'], seeds: [1, 2], done: [],
        want: ['packet-loss/stock local 1', 'statsz-storm/stock local 1', 'packet-loss/stock local 2', 'statsz-storm/stock local 2'] },
      { name: 'done runs skipped', backends: ['local'], seeds: [1, 2], done: [rec('packet-loss/stock', 'local', 1), rec('statsz-storm/stock', 'local', 2)],
        want: ['statsz-storm/stock local 1', 'packet-loss/stock local 2'] },
      { name: 'the other backend\'s runs do not count', backends: ['local', 'docker'], seeds: [1], done: [rec('packet-loss/stock', 'docker', 1)],
        want: ['packet-loss/stock local 1', 'statsz-storm/stock local 1', 'statsz-storm/stock docker 1'] },
      { name: 'a seed range', backends: ['local'], seeds: [5], done: [rec('packet-loss/stock', 'local', 1)],
        want: ['packet-loss/stock local 5', 'statsz-storm/stock local 5'] },
      { name: 'everything done', backends: ['local'], seeds: [1], done: [rec('packet-loss/stock', 'local', 1), rec('statsz-storm/stock', 'local', 1)], want: [] },
    ];
    for (const c of cases) assert.deepEqual(keysOf(pendingRuns(two, c.backends, c.seeds, c.done)), c.want, c.name);
    assert.deepEqual(pendingRuns(two, ['local'], [1], []).map((p) => p.cellIndex), [1, 2]);
  });

  it('detection bench - the log reads back what was appended; a line cut off mid-write is left out and named', () => {
    const a = rec('packet-loss/stock', 'local', 1);
    const b = rec('packet-loss/stock', 'local', 2);
    const { records, badLines } = parseLog(`${line(a)}\n\n${line(b)}\n{"cell":"packet-loss/stock","backe`);
    assert.deepEqual(records, [a, b]);
    assert.deepEqual(badLines, [4]);
    assert.deepEqual(parseLog('{"not":"a run"}\n').badLines, [1]);
    // A cut-off line does not count as done: that run comes back.
    assert.deepEqual(keysOf(pendingRuns([MATRIX[0]!], ['local'], [1, 2, 3], records)), ['packet-loss/stock local 3']);
  });

  it('detection bench - a run logged twice counts once, the later line wins', () => {
    const first = rec('packet-loss/stock', 'local', 1, { runId: 'first' });
    const again = rec('packet-loss/stock', 'local', 1, { runId: 'again' });
    assert.deepEqual(latestRecords([first, rec('packet-loss/stock', 'local', 2), again]).map((r) => `${runKey(r)} ${r.runId}`),
      ['packet-loss/stock local 1 again', `packet-loss/stock local 2 ${rec('packet-loss/stock', 'local', 2).runId}`]);
  });

  it('detection bench - a record reads back as the verdict it came from, and says what failed with its observed value', () => {
    const r = rec('packet-loss/stock', 'local', 1, {
      failed: [
        { name: 'recovery.noneStuck', role: 'detector', status: 'fail', observed: '2 links', value: 2, bound: '0' },
        { name: 'probe.maxGapSeconds', role: 'guard', status: 'fail', observed: '31.0 s', value: 31, bound: '≤ 10 s' },
        { name: 'rss.maxMiB', role: 'guard', status: 'n/a', observed: 'n/a', value: null, bound: '≤ 256 MiB' },
      ],
    });
    assert.deepEqual(verdictOf(r).detectorsFailed, ['recovery.noneStuck']);
    assert.deepEqual(verdictOf(r).guardsFailed, ['probe.maxGapSeconds']);
    assert.equal(actualText(r), 'fail(recovery.noneStuck=2 links, probe.maxGapSeconds=31.0 s)');
    assert.equal(actualText(rec('statsz-storm/patched', 'local', 1)), 'pass');
    assert.equal(actualText(rec('statsz-storm/patched', 'local', 1, { incomplete: true, error: 'boot timed out' })), 'INCOMPLETE (boot timed out)');
  });

  it('detection bench - options: seeds as N or A-B, a budget in minutes or with a unit, every problem at once', () => {
    assert.deepEqual(parseSeeds(undefined), Array.from({ length: 20 }, (_, i) => i + 1));
    assert.deepEqual(parseSeeds('3'), [1, 2, 3]);
    assert.deepEqual(parseSeeds('7-9'), [7, 8, 9]);
    assert.match(parseSeeds('9-7') as string, /1 ≤ A ≤ B/);
    assert.match(parseSeeds('x') as string, /allowed: N/);
    assert.equal(parseBudget('90'), 5_400_000);
    assert.equal(parseBudget('2h'), 7_200_000);
    assert.equal(parseBudget('45s'), 45_000);
    assert.equal(parseBudget('0'), 0);
    assert.equal(parseBudget(undefined), undefined);
    const o = benchOptions({ BROWNOUT_BENCH_BACKENDS: 'docker, local', BROWNOUT_BENCH_SEEDS: '2-3', BROWNOUT_BENCH_LOCK: 'none' });
    assert.deepEqual([o.backends, o.seeds, o.lockFile, o.cells.length, o.budgetMs], [['docker', 'local'], [2, 3], undefined, 19, undefined]);
    assert.equal(benchOptions({}).lockFile, '/tmp/brownout-cluster.lock');
    assert.throws(() => benchOptions({ BROWNOUT_BENCH_BACKENDS: 'k8s', BROWNOUT_BENCH_CELLS: 'packet-loss/nightly', BROWNOUT_BENCH_SEEDS: '0', BROWNOUT_BENCH_BUDGET: 'soon' }),
      (e: { problems: string[] }) => e.problems.length === 4 && /k8s; allowed: local, docker/.test(e.problems.join('\n')));
  });
});
