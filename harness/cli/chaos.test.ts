import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTopology } from '../../clusters/index.ts';
import { statesDir } from '../../clusters/state-file.ts';
import { BadInputError } from '../../core/errors.ts';
import { planChaos } from './chaos.ts';
import { parseSeed, parseServers } from './plan-flags.ts';
import { planGate } from './gate.ts';

function problemsOf(plan: () => unknown): string[] {
  try {
    plan();
  } catch (err) {
    assert.ok(err instanceof BadInputError, String(err));
    return err.problems;
  }
  assert.fail('planned without a problem');
}

describe('cli inputs', () => {
  it('cli inputs - --seed takes digits only: empty, signed, spaced, hex, exponent and 2^32 are refused', () => {
    for (const ok of ['0', '7', '4294967295']) assert.equal(parseSeed(ok), Number(ok));
    assert.equal(parseSeed(undefined), undefined);
    for (const bad of ['', ' ', ' 7', '-1', '+1', '1.5', '1e3', '0x10', '4294967296', '99999999999', 'seven']) {
      assert.throws(() => parseSeed(bad), (e) => e instanceof BadInputError
        && e.problems[0] === `--seed: ${JSON.stringify(bad)} is not a whole number; allowed: 0..4294967295`, `--seed ${JSON.stringify(bad)}`);
    }
  });

  it('cli inputs - --servers takes digits only: empty and 3x are refused naming the flag, the range is the topology\'s', () => {
    assert.equal(parseServers('3'), 3);
    for (const bad of ['', '3x', '-1', '1.5', ' 3']) assert.throws(() => parseServers(bad), (e) => e instanceof BadInputError && e.problems[0] === `--servers: ${JSON.stringify(bad)} is not a whole number; allowed: 1..32`);
    assert.deepEqual(problemsOf(() => planChaos({ scenario: 'partition', servers: parseServers('40') })), ['topology.regions[0].servers: Too big: expected number to be <=32, got 40', 'topology.regions[1].servers: Too big: expected number to be <=32, got 40', 'topology.regions[2].servers: Too big: expected number to be <=32, got 40']);
  });

  it('cli inputs - chaos: a bad backend is planned with everything else (every problem at once, nothing started)', () => {
    const problems = problemsOf(() => planChaos({ scenario: 'partition', backend: 'bogus' as never, attach: '../../../x', threshold: ['statsz.nonsense=3'] }, ['--seed: "" is not a whole number; allowed: 0..4294967295']));
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['--seed', '--backend', '--attach', 'thresholds.statsz.nonsense']);
    assert.equal(problems[1], '--backend: "bogus" is not a backend; allowed: auto, local, docker, swarm');
  });

  it('cli inputs - gate: a bad backend is one problem, not one per scenario, beside the scenarios\' own', () => {
    const problems = problemsOf(() => planGate({ backend: 'bogus' as never, scenarios: ['partition', 'earthquake'] }));
    assert.deepEqual(problems, [
      '--backend: "bogus" is not a backend; allowed: auto, local, docker, swarm',
      'earthquake: scenario: unknown scenario "earthquake"; one of packet-loss, partition, latency, mass-restart, rolling-restart, statsz-storm, route-auth, route-flap, route-flap-seed, route-dns, storm-at-scale, kill, pause',
    ]);
  });

  it('cli inputs - --attach ids that leave runs/.clusters/ are refused before any file is read, for chaos and gate', () => {
    // A detached cluster's state file where `../..` from runs/.clusters/ leads: read and attached to before the fix.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-attach-'));
    try {
      const topology = parseTopology({ regions: [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }, { name: 'syd', servers: 3 }], ping: { interval: '1s', max: 2 }, gatewayAuthTimeoutSec: 600 });
      writeFileSync(path.join(dir, 'x.json'), JSON.stringify({ runId: 'x', backend: 'local', runDir: dir, createdAt: new Date().toISOString(), ownerPid: 1, detached: true, topology, secrets: {}, endpoints: [] }));
      const outside = path.relative(statesDir(), path.join(dir, 'x'));
      assert.match(outside, /^\.\.\//);
      for (const id of [outside, '..', '.hidden', 'a/b', '', 'x'.repeat(129)]) {
        const expect = `--attach: ${id === '' ? 'empty' : `${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)} is not a run id`}`;
        for (const problems of [problemsOf(() => planChaos({ scenario: 'partition', attach: id })), problemsOf(() => planGate({ attach: id, scenarios: ['partition'] }))]) {
          assert.ok(problems.some((p) => p.startsWith(expect)), `${JSON.stringify(id)}: missing "${expect}" in\n${problems.join('\n')}`);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cli inputs - a variant named like an Object member (toString) is a variant name, not a function', () => {
    // Before: Object.prototype.toString came back as the variant ('expected string, got function toString() ...').
    assert.equal(planChaos({ scenario: 'partition', variant: 'toString', seed: 1 })[0]!.variant, 'toString');
  });

  it('cli inputs - --attach keeps its reserved words: compose plans on the stack, latest looks for a cluster left running', () => {
    assert.equal(planChaos({ scenario: 'partition', attach: 'compose', seed: 1 })[0]!.attachTo, 'compose');
    for (const p of problemsOf(() => planChaos({ scenario: 'partition', attach: 'nosuch-run' })).slice(0, 1)) assert.equal(p, '--attach: no cluster run "nosuch-run"');
  });
});
