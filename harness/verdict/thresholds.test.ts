import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from '../../test/support/temp-dir.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import {
  DEFAULT_THRESHOLDS, THRESHOLD_FILE_MAX_BYTES, THRESHOLD_KEYS, applyThresholdFlags, mergeThresholds, parseThresholdFile, parseThresholdFlag, thresholdsSchema,
} from './thresholds.ts';

function problemsOf(fn: () => unknown): { message: string; problems: string[] } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BadInputError, `expected BadInputError, got ${String(err)}`);
    return { message: err.message, problems: err.problems };
  }
  assert.fail('expected a BadInputError');
}

const dir = mkdtempSync(join(tmpdir(), 'brownout-thresholds-'));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('thresholds', () => {
  it('thresholds - the defaults pass their own schema and hold the design numbers', () => {
    assert.deepEqual(thresholdsSchema.parse(DEFAULT_THRESHOLDS), DEFAULT_THRESHOLDS);
    assert.equal(DEFAULT_THRESHOLDS.recovery?.maxSeconds, 10);
    assert.equal(DEFAULT_THRESHOLDS.memory?.maxRssMiB, 256);
    assert.equal(DEFAULT_THRESHOLDS.statsz?.maxPerServerPerSecond, 3);
  });

  it('thresholds - every key is listed, dotted', () => {
    assert.ok(THRESHOLD_KEYS.includes('statsz.maxPerServerPerSecond'));
    assert.ok(THRESHOLD_KEYS.includes('probe.graceSeconds'));
    assert.ok(THRESHOLD_KEYS.includes('routes.poolComplete'));
    assert.equal(THRESHOLD_KEYS.length, 17);
  });

  it('thresholds - merge: override wins key by key, null switches a check off, base untouched', () => {
    const base = structuredClone(DEFAULT_THRESHOLDS);
    const merged = mergeThresholds(base, { statsz: { maxPerServerPerSecond: 25 }, memory: { maxRssMiB: null } });
    assert.equal(merged.statsz?.maxPerServerPerSecond, 25);
    assert.equal(merged.statsz?.restartWindowSeconds, 5);
    assert.equal(merged.memory?.maxRssMiB, null);
    assert.equal(merged.memory?.maxGrowthRatio, 2);
    assert.deepEqual(base, DEFAULT_THRESHOLDS);
  });

  const flags: { flag: string; want: unknown }[] = [
    { flag: 'statsz.maxPerServerPerSecond=4', want: { statsz: { maxPerServerPerSecond: 4 } } },
    { flag: 'recovery.maxSeconds=2.5', want: { recovery: { maxSeconds: 2.5 } } },
    { flag: 'recovery.noneStuck=false', want: { recovery: { noneStuck: false } } },
    { flag: 'memory.maxRssMiB=null', want: { memory: { maxRssMiB: null } } },
    { flag: 'probe.maxGapSeconds=off', want: { probe: { maxGapSeconds: null } } },
  ];
  for (const c of flags) it(`thresholds - flag ${c.flag} parses`, () => assert.deepEqual(parseThresholdFlag(c.flag), c.want));

  it('thresholds - flag with an unknown key lists every allowed key', () => {
    const { message, problems } = problemsOf(() => parseThresholdFlag('statsz.perSecond=4'));
    assert.match(message, /unknown threshold "statsz.perSecond"/);
    assert.equal(problems.length, 1);
    for (const k of THRESHOLD_KEYS) assert.ok(problems[0]!.includes(k), `missing ${k}`);
  });

  it('thresholds - flag with a bad value names the key, the value and what is allowed', () => {
    const { problems } = problemsOf(() => parseThresholdFlag('statsz.maxPerServerPerSecond=x'));
    assert.deepEqual(problems, ['statsz.maxPerServerPerSecond: expected number, got "x"; allowed: an integer ≥ 0, or null']);
  });

  it('thresholds - flag without a value is rejected', () => {
    const { problems } = problemsOf(() => parseThresholdFlag('recovery.maxSeconds'));
    assert.match(problems[0]!, /^recovery.maxSeconds: no value/);
  });

  it('thresholds - several bad flags are reported at once', () => {
    const { problems } = problemsOf(() => applyThresholdFlags(DEFAULT_THRESHOLDS, ['nope=1', 'memory.maxRssMiB=-1', 'recovery.maxSeconds=3']));
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^nope: unknown key/);
    assert.match(problems[1]!, /^memory.maxRssMiB: .*got -1/);
  });

  it('thresholds - good flags apply in order over the base', () => {
    const t = applyThresholdFlags(DEFAULT_THRESHOLDS, ['recovery.maxSeconds=3', 'recovery.maxSeconds=5']);
    assert.equal(t.recovery?.maxSeconds, 5);
    assert.equal(t.recovery?.noneStuck, true);
  });

  it('thresholds - a valid file parses', () => {
    const p = file('ok.json', JSON.stringify({ recovery: { maxSeconds: 3 }, statsz: { maxPerServerPerSecond: null } }));
    assert.deepEqual(parseThresholdFile(p), { recovery: { maxSeconds: 3 }, statsz: { maxPerServerPerSecond: null } });
  });

  it('thresholds - a file with bad content names the file and every problem with its path', () => {
    const p = file('bad.json', JSON.stringify({ statsz: { maxPerServerPerSecond: 'x', perSecond: 3 }, memory: 5, cpu: {} }));
    const { message, problems } = problemsOf(() => parseThresholdFile(p));
    assert.ok(message.startsWith(p), message);
    assert.deepEqual([...problems].sort(), [
      'cpu: unknown key; allowed: recovery, statsz, memory, probe, routes',
      'memory: expected object, got 5; allowed: an object with keys maxRssMiB, maxGrowthRatio, growthSampleCount',
      'statsz.maxPerServerPerSecond: expected number, got "x"; allowed: an integer ≥ 0, or null',
      'statsz.perSecond: unknown key; allowed: maxPerServerPerSecond, maxExcessPerRestart, restartWindowSeconds, freshSeconds',
    ]);
  });

  it('thresholds - a file that is not JSON names the file', () => {
    const p = file('broken.json', '{ "recovery": ');
    const { message } = problemsOf(() => parseThresholdFile(p));
    assert.ok(message.startsWith(`${p}: not JSON`), message);
  });

  it('thresholds - a missing file names the file', () => {
    const { message, problems } = problemsOf(() => parseThresholdFile(join(dir, 'missing.json')));
    assert.match(message, /missing\.json: cannot read threshold file \(ENOENT\)/);
    assert.deepEqual(problems, [`${join(dir, 'missing.json')}: ENOENT; allowed: a readable JSON file`]);
  });

  it('thresholds - a file over 64 KiB is refused before it is read, naming its size and the limit', () => {
    const p = file('huge.json', `{"recovery": {"maxSeconds": 10}, "x": "${'y'.repeat(70_000)}"}`);
    const { problems } = problemsOf(() => parseThresholdFile(p));
    assert.deepEqual(problems, [`${p}: 70041 bytes; allowed at most ${THRESHOLD_FILE_MAX_BYTES}`]);
  });
});
