// Fuzz: topologies, scenarios (as files give them to planRun), threshold files and --threshold flags.
// Any input is planned or refused as bad input (exit 2) with every problem's path; never a stack.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseTopology, presets, topologyFromFlags } from '../../clusters/index.ts';
import { SCENARIOS, SCENARIO_NAMES } from '../../chaos/scenarios/index.ts';
import { planRun } from '../../harness/run/plan-run.ts';
import { planThresholds } from '../../harness/run/plan-thresholds.ts';
import { THRESHOLD_KEYS } from '../../harness/verdict/registry.ts';
import { applyThresholdFlags, DEFAULT_THRESHOLDS, parseThresholdFile, validateThresholds } from '../../harness/verdict/thresholds.ts';
import { accepts, check, mutationsOf, nastyString, nastyValue } from './property.ts';

describe('fuzz scenario inputs', function () {
  this.timeout(60_000);

  it('fuzz scenario inputs - topology: any value, and mutations of every preset, parse or are bad input with paths', () => {
    check(fc.property(fc.oneof(nastyValue, ...Object.values(presets).map(mutationsOf)), (input) => {
      accepts(() => parseTopology(input), `topology ${JSON.stringify(input)?.slice(0, 200)}`);
    }));
  });

  it('fuzz scenario inputs - topology flags: any --preset, --regions, --servers, --ping-interval, --ping-max', () => {
    const flag = fc.option(nastyString, { nil: undefined });
    check(fc.property(fc.record({ preset: flag, regions: flag, servers: flag, variant: flag, pingInterval: flag, pingMax: flag }), (f) => {
      accepts(() => topologyFromFlags(f), `flags ${JSON.stringify(f).slice(0, 200)}`);
    }));
  });

  it('fuzz scenario inputs - scenario files: any value, and mutations of every scenario, plan or are bad input with paths', () => {
    const scenario = fc.oneof(nastyValue, ...SCENARIO_NAMES.map((n) => mutationsOf(SCENARIOS[n])));
    const backend = fc.constantFrom(undefined, 'auto', 'local', 'docker', 'bogus');
    const override = fc.option(fc.record({ regions: fc.option(fc.array(nastyString, { maxLength: 4 }), { nil: undefined }), servers: fc.option(fc.oneof(fc.integer(), fc.constant(Number.NaN)), { nil: undefined }) }), { nil: undefined });
    check(fc.property(scenario, backend, override, (input, b, topology) => {
      const plan = accepts(() => planRun({ scenario: { input, source: 'fuzz.json' }, backend: b as never, topology, seed: 1 }), `scenario ${JSON.stringify(input)?.slice(0, 300)}`);
      if (plan) assert.doesNotThrow(() => JSON.stringify(plan), 'a plan serializes to JSON');
    }));
  });

  it('fuzz scenario inputs - thresholds: any value, and mutations of the defaults, validate or are bad input with paths', () => {
    check(fc.property(fc.oneof(nastyValue, mutationsOf(DEFAULT_THRESHOLDS)), (input) => {
      accepts(() => validateThresholds(input, 'fuzz'), `thresholds ${JSON.stringify(input)?.slice(0, 200)}`);
      accepts(() => planThresholds(input), `scenario thresholds ${JSON.stringify(input)?.slice(0, 200)}`);
    }));
  });

  it('fuzz scenario inputs - --thresholds FILE: any text, and JSON of any value, read or refused naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-fuzz-thr-'));
    try {
      const file = path.join(dir, 'thresholds.json');
      const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), nastyValue.map((v) => JSON.stringify(v) ?? ''), mutationsOf(DEFAULT_THRESHOLDS).map((v) => JSON.stringify(v) ?? ''));
      check(fc.property(text, (t) => {
        writeFileSync(file, t);
        accepts(() => parseThresholdFile(file), `threshold file ${t.slice(0, 200)}`);
        const problems: string[] = [];
        planThresholds({}, { file }, problems);
        for (const p of problems) assert.match(p, /^thresholds[.:[]/, `a file problem under thresholds: ${p}`);
      }), 1000);
      accepts(() => parseThresholdFile(path.join(dir, 'missing.json')), 'a missing file');
      accepts(() => parseThresholdFile(dir), 'a folder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fuzz scenario inputs - --threshold flags: any key=value list applies or is bad input with paths', () => {
    const key = fc.oneof(fc.constantFrom(...THRESHOLD_KEYS), nastyString);
    const value = fc.oneof(nastyString, fc.constantFrom('null', 'off', 'none', 'true', 'false', '0', '-1', '1e3', '0x10', ' 4 ', 'Infinity'));
    const flag = fc.oneof(fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), nastyString);
    check(fc.property(fc.array(flag, { maxLength: 5 }), (flags) => {
      accepts(() => applyThresholdFlags({}, flags), `--threshold ${flags.join(' ')}`.slice(0, 300));
    }));
  });
});
