// The verdict on recorded timelines: real runs of the gate scenarios (local backend, 3×3, seed 1)
// on stock v2.10.14 and on v2.10.14+brownout, saved gzipped in ./recorded/ (see its README). For
// every threshold, one recorded run shows the pass side and one the fail side: either the two
// builds differ on it (the bugs), or the bound is moved just past the observed figure of a real run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseTimeline } from '../timeline/index.ts';
import { recordsOf, type TimelineRecord } from '../timeline/records.ts';
import { judge } from './judge.ts';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.ts';
import type { ThresholdResult } from './result.ts';

type Recorded = 'packet-loss-stock' | 'packet-loss-patched' | 'statsz-storm-stock' | 'statsz-storm-patched' | 'statsz-storm-12-stock' | 'statsz-storm-12-patched';

const DETECTORS: Record<string, string[]> = {
  'packet-loss': ['recovery.maxSeconds', 'recovery.noneStuck'],
  'statsz-storm': ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'],
};
const detectorsOf = (name: Recorded): string[] => DETECTORS[name.startsWith('packet-loss') ? 'packet-loss' : 'statsz-storm']!;

const cache = new Map<Recorded, TimelineRecord[]>();
function recorded(name: Recorded): TimelineRecord[] {
  let records = cache.get(name);
  if (!records) {
    const file = fileURLToPath(new URL(`./recorded/${name}.ndjson.gz`, import.meta.url));
    const { records: parsed, problems } = parseTimeline(gunzipSync(readFileSync(file)).toString('utf8'));
    assert.deepEqual(problems, [], `${file} has bad lines`);
    records = parsed;
    cache.set(name, records);
  }
  return records;
}

function result(name: Recorded, key: string, thresholds: Thresholds = DEFAULT_THRESHOLDS): ThresholdResult {
  const v = judge(recorded(name), thresholds, { detectors: detectorsOf(name) });
  assert.equal(v.incomplete, false, `${name} is a complete run`);
  const r = v.results.find((x) => x.name === key);
  assert.ok(r, `${key} judged on ${name}`);
  return r;
}

const show = (r: ThresholdResult): string => `${r.name}: ${r.observed} (${r.bound})\n${r.evidence.join('\n')}`;

/** Defaults with one key replaced: `with_('memory.maxRssMiB', 10)`. */
function with_(key: string, value: number): Thresholds {
  const [group, field] = key.split('.') as [keyof Thresholds, string];
  return { ...DEFAULT_THRESHOLDS, [group]: { ...DEFAULT_THRESHOLDS[group], [field]: value } };
}

describe('verdict on recorded timelines', () => {
  it('recorded - the whole gate verdict: stock fails packet-loss and statsz-storm, patched passes both', () => {
    const verdicts = Object.fromEntries((['packet-loss-stock', 'packet-loss-patched', 'statsz-storm-stock', 'statsz-storm-patched'] as const)
      .map((n) => [n, judge(recorded(n), DEFAULT_THRESHOLDS)]));
    const failed = (n: Recorded): string[] => verdicts[n]!.results.filter((r) => !r.pass).map((r) => r.name);
    assert.equal(verdicts['packet-loss-stock']!.pass, false);
    assert.equal(verdicts['statsz-storm-stock']!.pass, false);
    assert.deepEqual(failed('packet-loss-patched'), []);
    assert.deepEqual(failed('statsz-storm-patched'), []);
  });

  // The two bugs: the builds themselves land on either side of the bound.
  const byBuild: { key: string; fails: Recorded; passes: Recorded }[] = [
    { key: 'recovery.noneStuck', fails: 'packet-loss-stock', passes: 'packet-loss-patched' },
    { key: 'recovery.maxSeconds', fails: 'packet-loss-stock', passes: 'packet-loss-patched' },
    { key: 'probe.maxLossOutsideFaults', fails: 'packet-loss-stock', passes: 'packet-loss-patched' },
    { key: 'probe.maxResumeSeconds', fails: 'packet-loss-stock', passes: 'packet-loss-patched' },
    { key: 'probe.maxGapSeconds', fails: 'packet-loss-stock', passes: 'packet-loss-patched' },
    { key: 'statsz.maxPerServerPerSecond', fails: 'statsz-storm-stock', passes: 'statsz-storm-patched' },
  ];
  for (const c of byBuild) {
    it(`recorded - ${c.key} fails on ${c.fails} and passes on ${c.passes}`, () => {
      const bad = result(c.fails, c.key);
      const good = result(c.passes, c.key);
      assert.equal(bad.pass, false, show(bad));
      assert.ok(bad.evidence.length > 0, 'a failure says where');
      assert.equal(good.pass, true, show(good));
    });
  }

  // Bounds the 3×3 runs do not reach on either build: the same real run passes with the default
  // bound and fails once the bound sits just below what it observed.
  const byBound: { key: string; run: Recorded; below: (observed: number) => number }[] = [
    { key: 'memory.maxRssMiB', run: 'statsz-storm-patched', below: (x) => x - 0.5 },
    { key: 'memory.maxGrowthRatio', run: 'packet-loss-patched', below: (x) => x - 0.01 },
  ];
  for (const c of byBound) {
    it(`recorded - ${c.key} on ${c.run}: passes at the default bound, fails just below what was observed`, () => {
      const atDefault = result(c.run, c.key);
      assert.equal(atDefault.pass, true, show(atDefault));
      assert.ok(atDefault.observedValue !== null && atDefault.observedValue > 0, show(atDefault));
      const tight = result(c.run, c.key, with_(c.key, c.below(atDefault.observedValue)));
      assert.equal(tight.pass, false, show(tight));
      assert.equal(tight.observedValue, atDefault.observedValue, 'the bound does not change what is observed');
    });
  }

  it('recorded - stock statsz-storm: the per-second peak and the excess name the restarted servers', () => {
    const restarted = recordsOf(recorded('statsz-storm-stock'), 'fault').filter((f) => f.phase === 'applied').flatMap((f) => f.targets);
    assert.equal(restarted.length, 3);
    for (const key of ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart']) {
      const r = result('statsz-storm-stock', key);
      assert.ok(restarted.some((s) => r.evidence[0]!.startsWith(`${s} [`) || r.evidence[0]!.includes(`restarted ${s} sent`)), show(r));
    }
  });

  // The STATSZ detectors at two sizes (3×3 and 3×4): each fails stock, as a detector, and passes
  // patched. bench/results/statsz-bounds.md has the same at 6 to 48 servers.
  for (const [stock, patched] of [['statsz-storm-stock', 'statsz-storm-patched'], ['statsz-storm-12-stock', 'statsz-storm-12-patched']] as const) {
    it(`recorded - the STATSZ detectors fail ${stock} by name and pass ${patched}`, () => {
      const bad = judge(recorded(stock), DEFAULT_THRESHOLDS, { detectors: detectorsOf(stock) });
      const good = judge(recorded(patched), DEFAULT_THRESHOLDS, { detectors: detectorsOf(patched) });
      assert.deepEqual(bad.detectorsFailed, ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'], bad.results.map(show).join('\n'));
      assert.deepEqual(bad.guardsFailed, []);
      assert.deepEqual([...good.detectorsFailed, ...good.guardsFailed], [], good.results.filter((r) => !r.pass).map(show).join('\n'));
    });
  }

  it('recorded - stock packet-loss is caught by its recovery detectors; what else failed is reported as guards', () => {
    const v = judge(recorded('packet-loss-stock'), DEFAULT_THRESHOLDS, { detectors: detectorsOf('packet-loss-stock') });
    assert.deepEqual(v.detectorsFailed, ['recovery.maxSeconds', 'recovery.noneStuck']);
    assert.ok(v.guardsFailed.every((g) => !g.startsWith('recovery.')), v.guardsFailed.join(', '));
    for (const r of v.results) assert.equal(r.role, detectorsOf('packet-loss-stock').includes(r.name) ? 'detector' : 'guard');
  });

  it('recorded - a STATSZ detector with no STATSZ to judge fails the run with "no data"', () => {
    const blind = recorded('statsz-storm-patched').filter((r) => r.kind !== 'statsz');
    const v = judge(blind, DEFAULT_THRESHOLDS, { detectors: detectorsOf('statsz-storm-patched') });
    assert.deepEqual(v.detectorsFailed, ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart']);
    assert.ok(v.results.filter((r) => r.role === 'detector').every((r) => r.observed === 'no data'));
  });
});
