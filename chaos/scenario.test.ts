import assert from 'node:assert/strict';
import { parseScenario, scenarioSeconds } from './scenario.ts';
import { SCENARIOS, SCENARIO_NAMES, GATE_SUITE } from './scenarios/index.ts';
import { BadInputError } from '../core/errors.ts';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FAULTS, FAULT_NAMES } from './faults/registry.ts';

/** A scenario validated for a variant, or every problem as one BadInputError (what planRun does first). */
function loadScenario(input: unknown, variant: string, source: string) {
  const { scenario, topology, faults, problems } = parseScenario(input, variant);
  if (problems.length || !scenario || !topology) throw new BadInputError(`scenario ${source} is invalid`, { problems });
  return { scenario, topology, faults };
}

describe('scenarios', () => {
  for (const name of SCENARIO_NAMES) {
    it(`scenarios - ${name} loads, is named after its key and runs under three minutes`, () => {
      const loaded = loadScenario(SCENARIOS[name], 'v2.10.14+brownout', `chaos/scenarios/${name}`);
      assert.equal(loaded.scenario.name, name);
      assert.ok(scenarioSeconds(loaded.scenario) < 180);
      assert.equal(JSON.parse(JSON.stringify(loaded.scenario)).name, name, 'JSON-serializable');
    });
  }

  it('scenarios - the gate suite names known scenarios; every fault file is registered under its own type', () => {
    for (const g of GATE_SUITE) assert.ok(SCENARIO_NAMES.includes(g));
    const files = readdirSync(path.join(import.meta.dirname, 'faults')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'registry.ts');
    assert.deepEqual([...FAULT_NAMES].sort(), files.map((f) => f.replace(/\.ts$/, '')).sort(), 'one file per fault under chaos/faults/, named after its type, each listed in registry.ts');
    for (const n of FAULT_NAMES) assert.equal(FAULTS[n].type, n);
  });

  it('scenarios - a shape problem does not hide the topology\'s or a fault\'s: all are listed at once, each naming the bad value', () => {
    const input = { ...SCENARIOS.partition, settleSeconds: -1, topology: { regions: [{ name: 'IAD', servers: 3 }] }, steps: [{ name: 'x', holdSeconds: 1, fault: { type: 'latency', to: 'lhr', latencyMs: -5 } }] };
    assert.throws(() => loadScenario(input, 'v2.10.14', 'test'), (e) => e instanceof BadInputError && assert.deepEqual(e.problems, [
      'settleSeconds: Too small: expected number to be >=0, got -1',
      'topology.regions[0].name: lowercase letters and digits, 2-16 chars, starting with a letter, got "IAD"',
      'steps[0].fault.latencyMs: Too small: expected number to be >=1, got -5',
    ]) === undefined);
  });

  it('scenarios - an invalid scenario lists every problem with its path and the allowed values', () => {
    const bad = {
      ...SCENARIOS.partition,
      topology: { regions: [{ name: 'IAD', servers: 0 }] },
      observer: { vantage: 'nowhere-1' },
      steps: [
        { name: 'x', fault: { type: 'earthquake' }, holdSeconds: 1 },
        { name: 'y', fault: { type: 'latency', to: 'lhr', latencyMs: -5, colour: 'red' }, holdSeconds: 1 },
        { name: 'z', holdSeconds: -1 },
      ],
      surprise: true,
    };
    const err = (() => {
      try {
        loadScenario(bad, 'v2.10.14', 'bad.json');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof BadInputError);
    assert.equal(err.exitCode, 2);
    // The top-level schema fails first (unknown key, negative hold): all of those at once.
    assert.ok(err.problems.some((p) => p.includes('surprise')), err.problems.join('\n'));
    assert.ok(err.problems.some((p) => p.startsWith('steps[2].holdSeconds')), err.problems.join('\n'));
    const { surprise: _, ...rest } = bad;
    const err2 = (() => {
      try {
        loadScenario({ ...rest, steps: rest.steps.slice(0, 2) }, 'v2.10.14', 'bad.json');
      } catch (e) {
        return e as BadInputError;
      }
      return undefined;
    })();
    assert.ok(err2);
    const text = err2.problems.join('\n');
    assert.match(err2.message, /scenario bad\.json is invalid/);
    assert.match(text, /topology\.regions\[0\]\.name/);
    assert.match(text, /topology\.regions\[0\]\.servers/);
    assert.match(text, /steps\[0\]\.fault\.type: "earthquake" is not a fault; one of latency, bandwidth/);
    assert.match(text, /steps\[1\]\.fault\.latencyMs/);
    assert.match(text, /steps\[1\]\.fault.*colour/);
  });
});
