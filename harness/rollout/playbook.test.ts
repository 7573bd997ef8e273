import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { serversOf } from '../../clusters/index.ts';
import { FAULT_NAMES } from '../../chaos/faults/registry.ts';
import { CHECK_KEYS } from '../verdict/registry.ts';
import { loadPlaybook, parsePlaybookText, planTargets, PLAYBOOK_MAX_BYTES, validatePlaybook, type Playbook } from './playbook.ts';

const topology = { regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 1 }] };
const base = { name: 'p', cluster: { topology }, baseline: 'stock', target: 'patched' };

function problemsOf(input: unknown): string[] {
  try {
    validatePlaybook(input, 'test.yaml');
  } catch (e) {
    assert.ok(e instanceof BadInputError, String(e));
    assert.match(e.message, /^playbook test\.yaml is invalid \(\d+ problems?\)$/);
    return e.problems;
  }
  assert.fail('expected the playbook to be refused');
}

interface Bad {
  name: string;
  input: unknown;
  /** Every one must appear among the problems (each is a substring of one problem line). */
  expect: string[];
}

const bad: Bad[] = [
  { name: 'unknown top-level key and missing target', input: { name: 'p', cluster: { topology }, baseline: 'stock', colour: 'red' }, expect: ['target: expected string, got nothing', 'colour: unknown key'] },
  { name: 'target equal to baseline through an alias', input: { ...base, target: 'v2.10.14' }, expect: ['target: "v2.10.14" is the baseline too'] },
  { name: 'no cluster named', input: { ...base, cluster: {} }, expect: ['cluster: name exactly one of topology, preset, attach or external (got none)'] },
  { name: 'two clusters named', input: { ...base, cluster: { topology, attach: 'latest' } }, expect: ['got topology and attach'] },
  { name: 'an attach id that leaves runs/', input: { ...base, cluster: { attach: '../../../x' } }, expect: ['cluster.attach: "../../../x" is not a run id: letters, digits'] },
  { name: 'attach with a backend', input: { ...base, cluster: { attach: 'latest', backend: 'docker' } }, expect: ['cluster.backend: an attached cluster runs where it was started'] },
  { name: 'unknown preset', input: { ...base, cluster: { preset: 'nine-regions' } }, expect: ['cluster.preset: "nine-regions" is not a preset; one of two-regions, three-regions, five-regions'] },
  { name: 'a bad topology keeps its own paths', input: { ...base, cluster: { topology: { regions: [{ name: 'IAD', servers: 0 }] } } }, expect: ['cluster.topology.regions[0].name: lowercase letters and digits, 2-16 chars, starting with a letter, got "IAD"', 'cluster.topology.regions[0].servers: Too small: expected number to be >=1, got 0'] },
  { name: 'unknown stage kind and a bad failure policy', input: { ...base, stages: [{ kind: 'everywhere', onFailure: 'panic' }] }, expect: ['stages[0].kind: ', 'stages[0].onFailure: '] },
  { name: 'unknown threshold in a gate names every threshold', input: { ...base, stages: [{ kind: 'canary' }, { kind: 'region', gates: [{ threshold: 'statsz.max' }] }] }, expect: [`stages[1].gates[0].threshold: "statsz.max" is not a threshold; one of ${CHECK_KEYS.join(', ')}`] },
  { name: 'a setting used as a gate points at settings', input: { ...base, stages: [{ kind: 'global', gates: [{ threshold: 'recovery.stuckWindowSeconds' }] }] }, expect: ['stages[0].gates[0].threshold: "recovery.stuckWindowSeconds" is not a threshold ("recovery.stuckWindowSeconds" is a setting: put it under stages[0].settings)'] },
  { name: 'a bound the registry refuses names what it allows', input: { ...base, stages: [{ kind: 'global', gates: [{ threshold: 'statsz.maxPerServerPerSecond', bound: -1 }, { threshold: 'memory.maxRssMiB', bound: 'lots' }] }] }, expect: ['stages[0].gates[0].bound: -1 is not allowed for statsz.maxPerServerPerSecond; an integer ≥ 0', 'stages[0].gates[1].bound: "lots" is not allowed for memory.maxRssMiB; a number of MiB > 0'] },
  { name: 'a gate that is neither a threshold nor a comparison', input: { ...base, stages: [{ kind: 'global', gates: [{ limit: 3 }] }] }, expect: ['stages[0].gates[0]: a gate is { threshold: <key>, bound?: <value> } or { compare: { metrics, pass, marginal } }; got keys limit'] },
  { name: 'an unknown fault type names every fault', input: { ...base, stages: [{ kind: 'global', faults: [{ type: 'earthquake' }] }] }, expect: [`stages[0].faults[0].type: "earthquake" is not a fault; one of ${FAULT_NAMES.join(', ')}`] },
  { name: "a fault's attributes are checked by the fault's own schema", input: { ...base, stages: [{ kind: 'global', faults: [{ type: 'latency', to: 'lhr', latencyMs: -5, colour: 'red' }] }] }, expect: ['stages[0].faults[0].latencyMs: Too small: expected number to be >=1, got -5', 'stages[0].faults[0].colour: unknown key'] },
  { name: 'a fault that outlasts the soak', input: { ...base, stages: [{ kind: 'global', soakSeconds: 30, faults: [{ type: 'partition', to: 'lhr', atSeconds: 20, holdSeconds: 20 }] }] }, expect: ['stages[0].faults[0].holdSeconds: the fault must end within the soak: atSeconds 20 + holdSeconds 20 > soakSeconds 30'] },
  { name: 'fault targets checked against the topology', input: { ...base, stages: [{ kind: 'global', faults: [{ type: 'restart', servers: ['iad-1', 'fra-1'] }, { type: 'blackhole', to: 'mars' }] }] }, expect: ['stages[0].faults[0].servers[1]: "fra-1" is not a server; one of iad-1', 'stages[0].faults[1].to: "mars" is neither a region nor a server'] },
  { name: 'canary server and region checked against the topology', input: { ...base, stages: [{ kind: 'canary', server: 'iad-9', gates: [] }, { kind: 'region', server: 'iad-1' }] }, expect: ['stages[0].server: "iad-9" is not a server; one of iad-1, iad-2, iad-3, lhr-1', 'stages[1].server: only a canary stage names a server'] },
  { name: 'canary server outside the named region', input: { ...base, stages: [{ kind: 'canary', server: 'lhr-1', region: 'iad' }] }, expect: ['stages[0].region: server "lhr-1" is not in region "iad"'] },
  { name: 'a region stage without a canary', input: { ...base, stages: [{ kind: 'region' }] }, expect: ["stages[0].kind: a region stage upgrades the canary's region: add a canary stage before it"] },
  { name: 'stage order: region before the canary, global not last, two canaries', input: { ...base, stages: [{ kind: 'region' }, { kind: 'global' }, { kind: 'canary', name: 'c2' }, { kind: 'canary', name: 'c3' }] }, expect: ['stages[0].kind: the region stage comes after the canary stage', 'stages[1].kind: the global stage comes last', 'stages[3].kind: a second "canary" stage', 'stages[2].kind: the canary stage comes first'] },
  { name: 'duplicate stage names', input: { ...base, stages: [{ kind: 'canary', name: 'one' }, { kind: 'global', name: 'one' }] }, expect: ['stages[1].name: duplicate stage name "one" (also stages[0])'] },
  { name: 'stages with different lame ducks (nats-server cannot reload them)', input: { ...base, stages: [{ kind: 'canary', upgrade: { lameDuck: { durationSeconds: 30, graceSeconds: 5 } } }, { kind: 'global', upgrade: { lameDuck: { durationSeconds: 45, graceSeconds: 5 } } }] }, expect: ['stages[1].upgrade.lameDuck: duration 45 s, grace 5 s differ from stages[0] (30 s, 5 s)'] },
  { name: 'lame duck shorter than nats-server allows', input: { ...base, stages: [{ kind: 'global', upgrade: { lameDuck: { durationSeconds: 5 } } }] }, expect: ["stages[0].upgrade.lameDuck.durationSeconds: at least 30 (nats-server's minimum lame_duck_duration)"] },
  { name: 'comparison: unknown metric, bad harm, marginal above pass, baseline in another region', input: { ...base, stages: [{ kind: 'canary', server: 'iad-1', gates: [{ compare: { metrics: ['statsz.rate', 'latency', { name: 'rss', harm: 'sideways' }], pass: 70, marginal: 80, baseline: 'lhr-2' } }] }] }, expect: ['stages[0].gates[0].compare.metrics[1]: "latency" is not a canary metric; one of statsz.rate, rss, cpu, reconnects', 'stages[0].gates[0].compare.metrics[2].harm: "sideways" is not a direction of harm; one of higher, lower, either', 'stages[0].gates[0].compare.marginal: 80 is above pass 70', 'stages[0].gates[0].compare.baseline: "lhr-2" is in lhr, the canary in iad; one of iad-2, iad-3'] },
  { name: 'probe.latency is not offered, and says why', input: { ...base, stages: [{ kind: 'canary', server: 'iad-1', gates: [{ compare: { metrics: ['probe.latency'] } }] }] }, expect: ['stages[0].gates[0].compare.metrics[0]: "probe.latency" is not offered: the log-stream probe measures region pairs, not servers, so it has no per-server samples to compare; one of statsz.rate, rss, cpu, reconnects'] },
  { name: 'comparison outside the canary stage', input: { ...base, stages: [{ kind: 'canary' }, { kind: 'region', gates: [{ compare: {} }] }] }, expect: ['stages[1].gates[0].compare: a canary-vs-baseline comparison belongs to the canary stage, not a region stage'] },
  { name: 'the default comparison needs a peer in the canary region', input: { ...base, stages: [{ kind: 'canary', region: 'syd' }] }, expect: ['stages[0].region: the comparison (a canary stage compares by default; gates: [...] without compare turns it off) needs a baseline server beside the canary, and region syd has one server'] },
  { name: 'settings: unknown key and a bad value', input: { ...base, stages: [{ kind: 'global', settings: { 'recovery.stuckWindowSeconds': 0, 'statsz.maxPerServerPerSecond': 3 } }] }, expect: ['stages[0].settings.recovery.stuckWindowSeconds: 0 is not allowed; a number of seconds > 0 (5)', 'stages[0].settings.statsz.maxPerServerPerSecond: not a setting; one of'] },
];

describe('rollout playbook', () => {
  for (const c of bad) {
    it(`rollout playbook - refuses ${c.name}, every problem with its path`, () => {
      const problems = problemsOf(c.input);
      for (const e of c.expect) assert.ok(problems.some((p) => p.includes(e)), `missing "${e}" in:\n${problems.join('\n')}`);
    });
  }

  it('rollout playbook - one invalid playbook reports problems from every stage at once', () => {
    const problems = problemsOf({ ...base, stages: [{ kind: 'canary', server: 'nope-1' }, { kind: 'region', gates: [{ threshold: 'x.y' }] }, { kind: 'global', faults: [{ type: 'quake' }] }] });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['stages[0].server', 'stages[1].gates[0].threshold', 'stages[2].faults[0].type']);
  });

  it('rollout playbook - a fault reports every schema problem: its timing and its attributes at once, each naming the bad value', () => {
    const problems = problemsOf({ ...base, stages: [{ kind: 'global', faults: [{ type: 'latency', to: 'lhr', atSeconds: -1, latencyMs: -5, jitterMs: 'x', colour: 'red' }, { type: 'partition', to: 'mars', holdSeconds: 'long' }] }] });
    for (const e of ['stages[0].faults[0].atSeconds: Too small: expected number to be >=0, got -1', 'stages[0].faults[0].latencyMs: Too small: expected number to be >=1, got -5',
      'stages[0].faults[0].jitterMs: expected number, got "x"', 'stages[0].faults[0].colour: unknown key',
      'stages[0].faults[1].holdSeconds: expected number, got "long"', 'stages[0].faults[1].to: "mars" is neither a region nor a server']) {
      assert.ok(problems.some((p) => p.startsWith(e)), `missing "${e}" in:\n${problems.join('\n')}`);
    }
  });

  it('rollout playbook - shape problems do not hide the checks beyond them (top level, stage, fault, gate at once)', () => {
    const problems = problemsOf({ ...base, colour: 'red', stages: [{ kind: 'global', onFailure: 'panic', faults: [{ type: 'latency', latencyMs: 'x' }], gates: [{ threshold: 'memory.maxRssMiB', bound: null }] }] });
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['colour', 'stages[0].onFailure', 'stages[0].faults[0].latencyMs', 'stages[0].gates[0].bound']);
  });

  it('rollout playbook - defaults: canary → region → global, rollback, every threshold gated, the canary compared', () => {
    const p = validatePlaybook(base, 'test.yaml');
    assert.deepEqual(p.stages.map((s) => [s.name, s.kind, s.onFailure]), [['canary', 'canary', 'rollback'], ['region', 'region', 'rollback'], ['global', 'global', 'rollback']]);
    assert.equal(p.baseline, 'v2.10.14');
    assert.equal(p.target, 'v2.10.14+brownout');
    assert.deepEqual(p.stages[0]!.gates.thresholds.map((t) => t.threshold), CHECK_KEYS);
    assert.equal(p.stages[0]!.gates.compare?.pass, 95);
    assert.equal(p.stages[0]!.gates.compare?.marginal, 75);
    assert.equal(p.stages[1]!.gates.compare, undefined);
    assert.deepEqual(p.stages[0]!.upgrade, { batchSize: 1, lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 10 }, readySeconds: 60 });
    assert.equal(p.cluster.kind, 'topology');
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p, 'JSON round trip');
  });

  it('rollout playbook - the route and freshness thresholds are gates with their bounds; a bad bound names what is allowed', () => {
    const gates = [{ threshold: 'routes.poolComplete', bound: true }, { threshold: 'routes.maxConnectsPerSecond', bound: 40 }, { threshold: 'statsz.freshSeconds', bound: 3 }];
    const p = validatePlaybook({ ...base, stages: [{ kind: 'global', gates }] }, 'test.yaml');
    assert.deepEqual(p.stages[0]!.gates.thresholds, gates);
    const problems = problemsOf({ ...base, stages: [{ kind: 'global', gates: [{ threshold: 'routes.maxConnectsPerSecond', bound: 1.5 }] }] });
    assert.ok(problems.some((x) => x.includes('stages[0].gates[0].bound: 1.5 is not allowed for routes.maxConnectsPerSecond; an integer ≥ 0 (connections)')), problems.join('\n'));
  });

  it('rollout playbook - an attached cluster defers server names to the run', () => {
    const p = validatePlaybook({ ...base, cluster: { attach: 'latest' }, stages: [{ kind: 'canary', server: 'anything-1' }, { kind: 'global' }] }, 'test.yaml');
    assert.deepEqual(p.cluster, { kind: 'attach', id: 'latest' });
  });

  it('rollout playbook - YAML and JSON are both accepted and equal', () => {
    const yaml = 'name: p\ncluster:\n  preset: three-regions\nbaseline: stock\ntarget: patched\n';
    const json = JSON.stringify({ name: 'p', cluster: { preset: 'three-regions' }, baseline: 'stock', target: 'patched' });
    assert.deepEqual(validatePlaybook(parsePlaybookText(yaml, 'a.yaml'), 'a.yaml'), validatePlaybook(parsePlaybookText(json, 'a.json'), 'a.json'));
  });

  it('rollout playbook - a YAML syntax error names the file, line and column', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'playbook-'));
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, 'name: p\ncluster:\n  preset: [three-regions\nbaseline: stock\n');
    const err = (() => { try { loadPlaybook(file); } catch (e) { return e; } finally { rmSync(dir, { recursive: true, force: true }); } return undefined; })();
    assert.ok(err instanceof BadInputError);
    assert.match(err.message, new RegExp(`^playbook ${file}: YAML syntax error at line \\d+, column \\d+$`));
    assert.match(err.problems[0]!, new RegExp(`^${file}:\\d+:\\d+: `));
  });

  it('rollout playbook - a JSON syntax error and a duplicate key are refused with their position', () => {
    const e1 = (() => { try { parsePlaybookText('{"name": "p",\n  "cluster": }', 'x.json'); } catch (e) { return e; } return undefined; })();
    assert.ok(e1 instanceof BadInputError);
    assert.match(e1.message, /^playbook x\.json: JSON syntax error at line 2, column \d+$/);
    const e2 = (() => { try { parsePlaybookText('name: a\nname: b\n', 'dup.yaml'); } catch (e) { return e; } return undefined; })();
    assert.ok(e2 instanceof BadInputError);
    assert.match(e2.problems[0]!, /^dup\.yaml:2:1: .*[Uu]nique/);
  });

  it('rollout playbook - a missing file is bad input, not a crash', () => {
    assert.throws(() => loadPlaybook('/nonexistent/rollout.yaml'), (e) => e instanceof BadInputError && /cannot read playbook \/nonexistent\/rollout\.yaml: ENOENT/.test(e.message));
  });

  it('rollout playbook - a YAML alias bomb is bad input naming the file and the limit, not a ReferenceError', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)];
    assert.throws(() => parsePlaybookText(levels.join('\n'), 'bomb.yaml'), (e) => e instanceof BadInputError
      && /^playbook bomb\.yaml: its aliases expand to more than 100 nodes$/.test(e.message) && e.problems.length === 1 && e.problems[0]!.startsWith('bomb.yaml: '));
    // A few aliases are fine.
    assert.deepEqual(parsePlaybookText('a: &a [1, 2]\nb: *a\n', 'ok.yaml'), { a: [1, 2], b: [1, 2] });
  });

  it('rollout playbook - a file over the size limit is refused when read, naming the file, its size and the limit', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'brownout-pb-size-'));
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, `name: p\ndescription: "${'x'.repeat(PLAYBOOK_MAX_BYTES)}"\n`);
    const bytes = PLAYBOOK_MAX_BYTES + 'name: p\ndescription: ""\n'.length;
    assert.throws(() => loadPlaybook(file), (e) => e instanceof BadInputError
      && e.message === `playbook ${file} is too large: ${bytes} bytes (65 KiB), the limit is ${PLAYBOOK_MAX_BYTES} bytes (64 KiB)`
      && e.problems[0] === `${file}: ${bytes} bytes; allowed at most ${PLAYBOOK_MAX_BYTES}`);
    // Text that comes another way (a gRPC request) is held to the same limit.
    assert.throws(() => parsePlaybookText('#'.repeat(PLAYBOOK_MAX_BYTES + 1), 'req'), (e) => e instanceof BadInputError && /is too large/.test(e.message));
    rmSync(dir, { recursive: true, force: true });
  });

  it('rollout playbook - [ ] and { } nested deeper than 100 levels are refused before parsing, naming the line; quoted and commented brackets do not count', () => {
    const nest = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
    assert.deepEqual(parsePlaybookText(`a: ${nest(100)}`, 'ok.yaml'), { a: JSON.parse(nest(100)) });
    assert.throws(() => parsePlaybookText(`name: p\na: ${nest(50)}\nb: ${'{x: '.repeat(101)}1${'}'.repeat(101)}`, 'deep.yaml'), (e) => e instanceof BadInputError
      && e.message === 'playbook deep.yaml: [ ] and { } nest deeper than 100 levels (line 3)' && e.problems[0] === 'deep.yaml:3: nested more than 100 levels deep; allowed: at most 100');
    assert.deepEqual(parsePlaybookText(`a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`, 'quoted.yaml'), { a: '['.repeat(500), b: '{'.repeat(500) });
  });

  it('rollout playbook - targets: canary by name, its region next one at a time, the rest in batches', () => {
    const p = validatePlaybook({ ...base, stages: [{ kind: 'canary', server: 'iad-2', gates: [{ compare: { baseline: 'iad-3' } }] }, { kind: 'region' }, { kind: 'global', upgrade: { batchSize: 3 } }] }, 't');
    const t = planTargets(p, serversOf((p.cluster as Extract<Playbook['cluster'], { kind: 'topology' }>).topology), 1);
    assert.deepEqual(t, [
      { stage: 'canary', batches: [['iad-2']], baselinePeer: 'iad-3' },
      { stage: 'region', batches: [['iad-1'], ['iad-3']] },
      { stage: 'global', batches: [['lhr-1', 'lhr-2', 'lhr-3'], ['syd-1']] },
    ]);
  });

  it('rollout playbook - targets: a seeded canary is reproducible, lands in its region and never where no peer exists', () => {
    const p = validatePlaybook({ ...base, stages: [{ kind: 'canary' }, { kind: 'global' }] }, 't');
    const servers = serversOf((p.cluster as Extract<Playbook['cluster'], { kind: 'topology' }>).topology);
    for (let seed = 0; seed < 50; seed++) {
      const [c, g] = planTargets(p, servers, seed);
      assert.deepEqual(planTargets(p, servers, seed)[0], c);
      assert.notEqual(c!.batches[0]![0], 'syd-1', 'syd has no baseline peer for the comparison');
      assert.equal(c!.baselinePeer!.split('-')[0], c!.batches[0]![0]!.split('-')[0]);
      assert.equal(g!.batches.flat().length, servers.length - 1);
    }
  });
});
