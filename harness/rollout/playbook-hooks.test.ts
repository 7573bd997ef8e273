// Playbooks on an external cluster: the cluster file relative to the playbook, the hooks each stage
// needs, their argv templates, expected versions; every problem with its path and what is allowed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BadInputError } from '../../core/errors.ts';
import { REPO_ROOT } from '../../core/layout.ts';
import { loadPlaybook, validatePlaybook } from './playbook.ts';
import { DRY_RUN_ENV } from './playbook/external-servers.ts';

const CLUSTER = `
name: lab
servers:
  - { name: iad-1, region: iad, monitorUrl: "http://127.0.0.1:25003", clientUrl: "nats://127.0.0.1:25000", host: iad-host-1 }
  - { name: iad-2, region: iad, monitorUrl: "http://127.0.0.1:25007", clientUrl: "nats://127.0.0.1:25004" }
  - { name: lhr-1, region: lhr, monitorUrl: "http://127.0.0.1:25011", clientUrl: "nats://127.0.0.1:25008" }
system: { user: sys, password: not-a-real-one }
lameDuck: { durationSeconds: 30, graceSeconds: 1 }
`;

const HOOKS = {
  lameDuck: { argv: ['./ldm.sh', '{server}'], timeoutSeconds: 10 },
  stop: { argv: ['./stop.sh', '{server}'], timeoutSeconds: 10 },
  start: { argv: ['./start.sh', '{server}', '{variant}', '{version}'], timeoutSeconds: 30 },
};
const LAME_DUCK = { upgrade: { lameDuck: { enabled: true, durationSeconds: 30, graceSeconds: 1 } } };

describe('rollout playbook on an external cluster', () => {
  let dir: string;
  let source: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'playbook-ext-'));
    writeFileSync(path.join(dir, 'cluster.yaml'), CLUSTER);
    writeFileSync(path.join(dir, 'bad-cluster.yaml'), 'name: lab\nservers: [ { name: iad-1, region: iad, monitorUrl: "ftp://x", clientUrl: "nats://127.0.0.1:1" } ]\nsystem: {}\n');
    source = path.join(dir, 'playbook.yaml');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ({ name: 'ext', cluster: { external: 'cluster.yaml' }, baseline: 'stock', target: 'patched', hooks: structuredClone(HOOKS), stages: [{ kind: 'canary', server: 'iad-1', ...LAME_DUCK }, { kind: 'global', ...LAME_DUCK }] });

  function problemsOf(input: unknown): string[] {
    try {
      validatePlaybook(input, source);
    } catch (err) {
      assert.ok(err instanceof BadInputError, String(err));
      return err.problems;
    }
    assert.fail('expected the playbook to be refused');
  }

  function expectProblems(input: unknown, expected: string[]): void {
    const problems = problemsOf(input);
    for (const e of expected) assert.ok(problems.some((p) => p.startsWith(e)), `missing "${e}" in:\n${problems.join('\n')}`);
  }

  it('rollout playbook - external: the cluster file relative to the playbook, hooks run in its folder, expectVersion by alias', () => {
    const p = validatePlaybook({ ...base(), expectVersion: { patched: '2.10.14-custom' } }, source);
    assert.deepEqual(p.cluster, { kind: 'external', file: path.join(dir, 'cluster.yaml') });
    assert.equal(p.hooks?.workDir, dir);
    assert.deepEqual(p.hooks?.start, HOOKS.start);
    assert.deepEqual(p.hooks?.expectVersion, { 'v2.10.14+brownout': '2.10.14-custom' });
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p, 'JSON round trip (rollout.json holds it)');
    // One upgrade command instead of stop + start; no lame duck hook when no stage uses lame duck.
    const one = validatePlaybook({ ...base(), hooks: { upgrade: { argv: ['up', '{host}', '{variant}'], timeoutSeconds: 60 } }, stages: [{ kind: 'global', upgrade: { lameDuck: { enabled: false } } }] }, source);
    assert.deepEqual(Object.keys(one.hooks!).sort(), ['upgrade', 'workDir']);
  });

  it('rollout playbook - bad hooks: unknown placeholder, empty argv, empty program, timeout 0, each with its path and what is allowed', () => {
    const pb = base();
    pb.hooks.start.argv = ['./start.sh', '{server}', '{srever}', '{print $1} {{literal}}'];
    (pb.hooks.stop as { argv: string[] }).argv = [];
    pb.hooks.lameDuck = { argv: ['', '{server}'], timeoutSeconds: 0 };
    expectProblems(pb, [
      'hooks.start.argv[2]: unknown placeholder {srever} in "{srever}"; allowed: {server} {region} {host} {variant} {version} ({{ and }} for a literal brace)',
      'hooks.stop.argv: at least the program to run',
      'hooks.lameDuck.timeoutSeconds: more than 0 seconds',
    ]);
    const empty = base();
    empty.hooks.lameDuck.argv[0] = '';
    expectProblems(empty, ['hooks.lameDuck.argv[0]: the program to run; got ""']);
    assert.equal(problemsOf(pb).filter((p) => p.startsWith('hooks.start.argv[3]')).length, 0, '{print $1} and {{ }} are not placeholders');
  });

  it('rollout playbook - hooks need an external cluster; an external cluster needs hooks: start and stop, or upgrade; lameDuck when a stage uses it', () => {
    expectProblems({ ...base(), cluster: { preset: 'three-regions' } }, ['hooks: hooks move servers of an external cluster (cluster.external: FILE)']);
    expectProblems({ ...base(), cluster: { preset: 'three-regions' }, hooks: undefined, expectVersion: { patched: 'x' } }, ['expectVersion: only with an external cluster']);
    expectProblems({ ...base(), hooks: undefined }, ['hooks: an external cluster needs hooks to move its servers']);
    expectProblems({ ...base(), hooks: { start: HOOKS.start, lameDuck: HOOKS.lameDuck } }, ['hooks.stop: missing; give start and stop, or upgrade']);
    expectProblems({ ...base(), hooks: { ...HOOKS, upgrade: HOOKS.start } }, ['hooks.start: give start and stop, or upgrade (one command that stops and starts), not both']);
    expectProblems({ ...base(), hooks: { start: HOOKS.start, stop: HOOKS.stop }, stages: [{ kind: 'canary', server: 'iad-1', upgrade: { lameDuck: { enabled: false } } }, { kind: 'global' }] },
      ['hooks.lameDuck: missing: stages[1] upgrades with lame duck (upgrade.lameDuck.enabled, true by default); add hooks.lameDuck']);
    expectProblems({ ...base(), cluster: { external: 'cluster.yaml', backend: 'local' } }, ['cluster.backend: an external cluster runs where its operators run it']);
    expectProblems({ ...base(), expectVersion: { 'v9.9.9': '9.9.9' } }, ['expectVersion.v9.9.9: not the baseline or the target; one of v2.10.14, v2.10.14+brownout']);
  });

  it('rollout playbook - external: server names come from the cluster file; lame duck must be what the servers run with; a bad cluster file is named with its fields', () => {
    expectProblems({ ...base(), stages: [{ kind: 'canary', server: 'iad-9', ...LAME_DUCK }] }, ['stages[0].server: "iad-9" is not a server; one of iad-1, iad-2, lhr-1']);
    expectProblems({ ...base(), stages: [{ kind: 'canary', server: 'iad-1', upgrade: { lameDuck: { enabled: true, durationSeconds: 60, graceSeconds: 10 } } }] },
      ["stages[0].upgrade.lameDuck: duration 60 s, grace 10 s; the servers run with 30 s / 1 s (the cluster file's lameDuck)"]);
    const bad = problemsOf({ ...base(), cluster: { external: 'bad-cluster.yaml' } });
    const badFile = path.join(dir, 'bad-cluster.yaml');
    assert.ok(bad.some((p) => p.startsWith(`cluster.external: ${badFile}: servers[0].monitorUrl: a URL with a host, scheme http or https, got "ftp://x"`)), bad.join('\n'));
    const missing = problemsOf({ ...base(), cluster: { external: 'nope.yaml' } });
    assert.ok(missing.some((p) => p.startsWith('cluster.external: ') && p.includes(path.join(dir, 'nope.yaml'))), missing.join('\n'));
  });

  for (const ex of ['systemd-ssh', 'supervisor']) {
    it(`rollout playbook - examples/external/${ex}/playbook.yaml validates with its cluster file (secrets stood in for, as a dry run does)`, () => {
      const file = path.join(REPO_ROOT, 'examples/external', ex, 'playbook.yaml');
      const p = loadPlaybook(file, { clusterEnv: DRY_RUN_ENV });
      assert.equal(p.cluster.kind, 'external');
      assert.ok(p.hooks?.lameDuck && (p.hooks.upgrade || (p.hooks.start && p.hooks.stop)));
      assert.equal(p.hooks.workDir, path.dirname(file));
      // Without the stand-in, the unset secret variable is bad input naming it.
      const saved = process.env.NATS_SYS_PASSWORD;
      delete process.env.NATS_SYS_PASSWORD;
      try {
        assert.throws(() => loadPlaybook(file), (e) => e instanceof BadInputError && e.problems.some((q) => q.startsWith('cluster.external: ') && q.includes('system.passwordEnv: environment variable NATS_SYS_PASSWORD is not set')));
      } finally {
        if (saved !== undefined) process.env.NATS_SYS_PASSWORD = saved;
      }
    });
  }
});
