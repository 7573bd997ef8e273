import assert from 'node:assert/strict';
import { BadInputError } from '../core/errors.ts';
import { configuredRoutePeers, dockerOnlyProblems, durationMs, MAX_SERVERS_PER_REGION, parseTopology, presets, serversOf, topologyFromFlags } from './topology.ts';

describe('clusters topology', () => {
  it('topology - routeMesh: full lists every other server of the region, seed only the first (which lists none); bad values named', () => {
    const t = parseTopology({ regions: [{ name: 'lhr', servers: 3 }, { name: 'iad', servers: 2 }] });
    const all = serversOf(t);
    const peers = (mesh: 'full' | 'seed' | undefined, name: string) => configuredRoutePeers({ routeMesh: mesh }, all, all.find((s) => s.name === name)!).map((s) => s.name);
    assert.deepEqual(peers(undefined, 'lhr-2'), ['lhr-1', 'lhr-3']);
    assert.deepEqual(peers('full', 'iad-1'), ['iad-2']);
    assert.deepEqual(peers('seed', 'lhr-1'), []);
    assert.deepEqual(peers('seed', 'lhr-3'), ['lhr-1']);
    assert.deepEqual(peers('seed', 'iad-2'), ['iad-1']);
    assert.throws(() => parseTopology({ regions: [{ name: 'lhr', servers: 3 }], routeMesh: 'ring' }), (e: BadInputError) => e.problems.some((p) => /^routeMesh: .*full.*seed/.test(p)));
  });

  it('topology - preset three-regions expands to 9 named servers', () => {
    const t = parseTopology(presets['three-regions']);
    const names = serversOf(t).map((s) => s.name);
    assert.deepEqual(names, ['iad-1', 'iad-2', 'iad-3', 'lhr-1', 'lhr-2', 'lhr-3', 'syd-1', 'syd-2', 'syd-3']);
    assert.equal(t.ping.interval, '2m');
    assert.equal(t.ports.gateway, 7222);
  });

  it('topology - per-server variant overrides make a mixed cluster', () => {
    const t = parseTopology({ ...presets['two-regions'], variant: 'v2.10.14+brownout', variants: { 'lhr-2': 'v2.10.14' } });
    const byName = Object.fromEntries(serversOf(t).map((s) => [s.name, s.variant]));
    assert.equal(byName['lhr-2'], 'v2.10.14');
    assert.equal(byName['iad-1'], 'v2.10.14+brownout');
  });

  it('topology - invalid input lists every problem with its path', () => {
    let err: unknown;
    try {
      parseTopology({
        regions: [{ name: 'IAD', servers: 0 }, { name: 'lhr', servers: 2, extra: true }],
        ping: { interval: 'soon' },
        colour: 'red',
      });
    } catch (e) { err = e; }
    assert.ok(err instanceof BadInputError);
    const text = err.problems.join('\n');
    // One path format (`regions[0].name`, as scenarios and playbooks print it) and the bad value named.
    for (const line of ['regions[0].name: lowercase letters and digits, 2-16 chars, starting with a letter, got "IAD"', 'regions[0].servers: Too small: expected number to be >=1, got 0',
      'regions[1].extra: unknown key', 'ping.interval: a duration such as "500ms", "1s", "2m", got "soon"', 'colour: unknown key']) {
      assert.ok(err.problems.includes(line), `missing ${line} in\n${text}`);
    }
  });

  it('topology - cross checks: duplicate regions and unknown override servers', () => {
    assert.throws(
      () => parseTopology({ regions: [{ name: 'iad', servers: 1 }, { name: 'iad', servers: 1 }], variants: { 'syd-1': 'v1' } }),
      (e: unknown) => e instanceof BadInputError
        && e.problems.some((p) => p.startsWith('regions[1].name: duplicate region "iad"'))
        && e.problems.some((p) => p.startsWith('variants.syd-1: "syd-1" is not a server')),
    );
  });

  it('topology - flags --regions a,b --servers N', () => {
    const t = topologyFromFlags({ regions: 'iad,fra', servers: '2', variant: 'v2.10.14', pingInterval: '1s', pingMax: '2' });
    assert.deepEqual(t.regions, [{ name: 'iad', servers: 2 }, { name: 'fra', servers: 2 }]);
    assert.deepEqual(t.ping, { interval: '1s', max: 2 });
    assert.throws(() => topologyFromFlags({ preset: 'nope' }), BadInputError);
    assert.throws(() => topologyFromFlags({ servers: 'x' }), BadInputError);
  });

  it('topology - lameDuck: the limits nats-server itself enforces, reported with their paths', () => {
    const base = presets['two-regions'];
    assert.deepEqual(parseTopology({ ...base, lameDuck: { durationSeconds: 30, graceSeconds: 5 } }).lameDuck, { durationSeconds: 30, graceSeconds: 5 });
    assert.equal(parseTopology(base).lameDuck, undefined);
    const problems = (input: unknown) => {
      try { parseTopology(input); } catch (e) { if (e instanceof BadInputError) return e.problems.join('\n'); throw e; }
      return '';
    };
    assert.match(problems({ ...base, lameDuck: { durationSeconds: 29, graceSeconds: 5 } }), /^lameDuck\.durationSeconds: .*30 s/m);
    assert.match(problems({ ...base, lameDuck: { durationSeconds: 30, graceSeconds: 0 } }), /^lameDuck\.graceSeconds: at least 1/m);
    assert.match(problems({ ...base, lameDuck: { durationSeconds: 30, graceSeconds: 30 } }), /^lameDuck\.graceSeconds: must be less than lameDuck\.durationSeconds \(30\), got 30$/m);
    assert.match(problems({ ...base, lameDuck: { durationSeconds: 30 } }), /^lameDuck\.graceSeconds: /m);
  });

  it('topology - docker resources: absent by default, bad values named with their path and the allowed values', () => {
    const base = presets['two-regions'];
    assert.equal('docker' in parseTopology(base), false);
    assert.deepEqual(parseTopology({ ...base, docker: { memoryMiB: 40, restart: 'on-failure' } }).docker, { memoryMiB: 40, restart: 'on-failure' });
    assert.deepEqual(parseTopology({ ...base, docker: { memoryMiB: 40 } }).docker, { memoryMiB: 40, restart: 'no' });
    const problems = (input: unknown) => {
      try { parseTopology(input); } catch (e) { if (e instanceof BadInputError) return e.problems.join('\n'); throw e; }
      return '';
    };
    const text = problems({ ...base, docker: { memoryMiB: 4, restart: 'always', cpus: 1 } });
    assert.match(text, /^docker\.memoryMiB: at least 8 \(MiB\), got 4$/m);
    assert.match(text, /^docker\.restart: one of no, on-failure, got "always"$/m);
    assert.match(text, /^docker\.cpus: unknown key/m);
    assert.match(problems({ ...base, docker: { memoryMiB: 12.5 } }), /^docker\.memoryMiB: /m);
  });

  it('topology - docker resources: the local backend refuses each one it cannot realize, docker none', () => {
    const base = presets['two-regions'];
    const t = parseTopology({ ...base, docker: { memoryMiB: 40, restart: 'on-failure' } });
    assert.deepEqual(dockerOnlyProblems(t, 'docker'), []);
    const local = dockerOnlyProblems(t, 'local');
    assert.equal(local.length, 2);
    assert.match(local[0]!, /^docker\.memoryMiB: docker backend only;/);
    assert.match(local[1]!, /^docker\.restart: docker backend only;/);
    // restart 'no' is today's behaviour everywhere: nothing to refuse.
    assert.deepEqual(dockerOnlyProblems(parseTopology({ ...base, docker: { restart: 'no' } }), 'local'), []);
    assert.deepEqual(dockerOnlyProblems(parseTopology(base), 'local'), []);
  });

  it('topology - scale: 32 servers per region and 128 in all, no more, each limit named', () => {
    assert.equal(serversOf(parseTopology({ regions: [{ name: 'iad', servers: 24 }, { name: 'lhr', servers: 24 }, { name: 'syd', servers: 24 }, { name: 'fra', servers: 24 }] })).length, 96);
    assert.equal(serversOf(parseTopology({ regions: [{ name: 'iad', servers: MAX_SERVERS_PER_REGION }] })).length, 32);
    const problems = (input: unknown) => {
      try { parseTopology(input); } catch (e) { if (e instanceof BadInputError) return e.problems.join('\n'); throw e; }
      return '';
    };
    assert.match(problems({ regions: [{ name: 'iad', servers: 33 }] }), /^regions\[0\]\.servers: .*got 33$/m);
    assert.match(problems({ regions: ['iad', 'lhr', 'syd', 'fra', 'sin'].map((name) => ({ name, servers: 26 })) }), /^regions: 130 servers in all; allowed at most 128$/m);
    assert.equal(problems({ regions: ['iad', 'lhr', 'syd', 'fra'].map((name) => ({ name, servers: 32 })) }), '');
  });

  it('topology - durationMs reads the durations the schema accepts', () => {
    assert.deepEqual(['500ms', '1s', '2m'].map(durationMs), [500, 1000, 120_000]);
    assert.throws(() => durationMs('1h'), /not a topology duration: 1h/);
  });
});
