import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTopology } from '../../clusters/index.ts';
import { SCENARIOS } from '../../chaos/scenarios/index.ts';
import { BadInputError } from '../../core/errors.ts';
import { planRun } from './plan-run.ts';
import type { PlanInput } from './run-plan-types.ts';

const base = SCENARIOS.partition;
const withSteps = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  ({ scenario: { input: { ...base, ...extra, steps }, source: 'test' }, seed: 1 }) satisfies PlanInput;

function problemsOf(input: PlanInput): string[] {
  try {
    planRun(input);
  } catch (err) {
    assert.ok(err instanceof BadInputError, String(err));
    return err.problems;
  }
  assert.fail('planRun accepted it');
}

describe('run plan', () => {
  // Each bad input, and the problem it must produce (path first, then what is allowed).
  const bad: [string, PlanInput, RegExp][] = [
    ['unknown scenario', { scenario: 'earthquake' }, /^scenario: unknown scenario "earthquake"; one of packet-loss, partition/],
    ['unknown backend (planned, not found when the cluster boots)', { scenario: 'partition', backend: 'bogus' as never }, /^backend: "bogus" is not a backend; allowed: auto, local, docker, swarm$/],
    ['link to a region not in the topology', withSteps([{ name: 'a', fault: { type: 'latency', to: 'fra', latencyMs: 5 }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.to: "fra" is neither a region nor a server; allowed: iad, lhr, syd, iad-1/],
    ['link from a region on the local backend', { ...withSteps([{ name: 'a', fault: { type: 'latency', to: 'lhr', from: 'iad', latencyMs: 5 }, holdSeconds: 1 }]), backend: 'local' },
      /^steps\[0\]\.fault\.from: links by source region need the docker backend/],
    ['link from the region it goes to', { ...withSteps([{ name: 'a', fault: { type: 'latency', to: 'lhr-1', from: 'lhr', latencyMs: 5 }, holdSeconds: 1 }]), backend: 'docker' },
      /^steps\[0\]\.fault\.from: "lhr" is where "lhr-1" is/],
    ['route sockets reset on the swarm backend', { ...withSteps([{ name: 'a', fault: { type: 'route-reset', region: 'lhr', count: 1 }, holdSeconds: 1 }]), backend: 'swarm' },
      /^steps\[0\]\.fault\.type: route-reset needs a backend whose route sockets this host can reach .*; allowed backends: local, docker$/],
    ['route sockets reset towards a server not in the topology', withSteps([{ name: 'a', fault: { type: 'route-reset', servers: ['lhr-1'], peers: ['lhr-7'] }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.peers: no server "lhr-7"; allowed: iad-1, iad-2/],
    ['a DNS outage on the local backend', { ...withSteps([{ name: 'a', fault: { type: 'dns-outage', servers: ['lhr-2'] }, holdSeconds: 1 }]), backend: 'local' },
      /^steps\[0\]\.fault\.type: dns-outage needs servers with a resolver of their own .*; allowed backends: docker, swarm$/],
    ['a DNS outage resetting the routes of a server not in the topology', { ...withSteps([{ name: 'a', fault: { type: 'dns-outage', servers: ['lhr-2'], resetRoutesOf: ['fra-1'] }, holdSeconds: 1 }]), backend: 'docker' },
      /^steps\[0\]\.fault\.resetRoutesOf: no server "fra-1"; allowed: iad-1/],
    ['a DNS outage resetting the routes of the vantage', { ...withSteps([{ name: 'a', fault: { type: 'dns-outage', servers: ['lhr-2'], resetRoutesOf: ['iad-1'] }, holdSeconds: 1 }]), backend: 'docker' },
      /^steps\[0\]\.fault\.resetRoutesOf: iad-1 is the observer's vantage and must be spared; allowed: iad-2/],
    ['a DNS outage resetting routes on the swarm backend', { ...withSteps([{ name: 'a', fault: { type: 'dns-outage', servers: ['lhr-2'], resetRoutesOf: ['lhr-1'] }, holdSeconds: 1 }]), backend: 'swarm' },
      /^steps\[0\]\.fault\.resetRoutesOf: resets route sockets, which this host cannot reach on swarm; allowed backends: docker, or leave it out$/],
    ['a route-reset pick that is not all or one', withSteps([{ name: 'a', fault: { type: 'route-reset', servers: ['lhr-1'], pick: 'two' }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.pick: .*all.*one/],
    ['unknown server by name', withSteps([{ name: 'a', fault: { type: 'kill', servers: ['lhr-9'] }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.servers: no server "lhr-9"; allowed: iad-1, iad-2/],
    ['the vantage by name', withSteps([{ name: 'a', fault: { type: 'restart', servers: ['iad-1'] }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.servers: iad-1 is the observer's vantage/],
    ['more servers than the region has beside the vantage', withSteps([{ name: 'a', fault: { type: 'kill', region: 'iad', count: 3 }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.count: needs 3 server\(s\) but region iad has 2 to choose from \(iad-1 spared as the observer's vantage\); allowed: at most 2/],
    ['a fraction that cannot be met', withSteps([{ name: 'a', fault: { type: 'pause', region: 'syd', fraction: 1 }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.fraction: needs 9 server\(s\) but region syd has 3/],
    ['count and fraction together', withSteps([{ name: 'a', fault: { type: 'kill', count: 1, fraction: 0.5 }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.count: not with fraction/],
    ['partition of an unknown region', withSteps([{ name: 'a', fault: { type: 'partition', region: 'mars' }, holdSeconds: 1 }]),
      /^steps\[0\]\.fault\.region: "mars" is not a region; allowed: iad, lhr, syd/],
    ['IP loss on local', { ...withSteps([{ name: 'a', fault: { type: 'packet-loss', to: 'lhr', probability: 0.5, model: 'ip-loss' }, holdSeconds: 1 }]), backend: 'local' },
      /^steps\[0\]\.fault\.model: ip-loss \(IP-level loss\) needs the docker backend/],
    ['a vantage that is not a server', withSteps([{ name: 'a', holdSeconds: 1 }], { observer: { vantage: 'ams-1' } }),
      /^observer\.vantage: "ams-1" is not a server; allowed: iad-1/],
    ['a scenario threshold out of range', withSteps([{ name: 'a', holdSeconds: 1 }], { thresholds: { statsz: { maxPerServerPerSecond: -1 } } }),
      /^thresholds\.statsz\.maxPerServerPerSecond: .*allowed: an integer ≥ 0, or null \(from the scenario\)/],
    ['a threshold flag with an unknown key', { scenario: 'partition', thresholds: { flags: ['statsz.nonsense=3'] } },
      /^thresholds\.statsz\.nonsense: unknown key; allowed: .*\(from --threshold\)/],
    ['a detector that is not a judged threshold', withSteps([{ name: 'a', holdSeconds: 1 }], { detectors: ['recovery.noneStuck', 'statsz.sometimes'] }),
      /^detectors\[1\]: "statsz\.sometimes" is not a judged threshold; allowed: .*recovery\.maxSeconds/],
    ['an override region with a bad name', { scenario: 'partition', topology: { regions: ['iad', 'IAD'] } }, /^topology\.regions\[1\]\.name: /],
    ['an override of zero servers', { scenario: 'partition', topology: { servers: 0 } }, /^topology\.regions\[0\]\.servers: /],
    ['an override that drops the partitioned region', { scenario: 'partition', topology: { regions: ['iad', 'lhr'] } },
      /^steps\[1\]\.fault\.region: "syd" is not a region; allowed: iad, lhr/],
  ];
  for (const [what, input, expected] of bad) {
    it(`plan - ${what} is reported with its path and what is allowed`, () => {
      const problems = problemsOf(input);
      assert.ok(problems.some((p) => expected.test(p)), `no problem matches ${expected}:\n${problems.join('\n')}`);
    });
  }

  it('plan - every problem of a scenario, its override and its thresholds comes in one error', () => {
    const problems = problemsOf({
      scenario: { input: { ...base, thresholds: { recovery: { maxSeconds: 'ten' } }, steps: [
        { name: 'a', fault: { type: 'latency', to: 'fra', latencyMs: 5 }, holdSeconds: 1 },
        { name: 'b', fault: { type: 'kill', servers: ['nope-1'] }, holdSeconds: 1 },
        { name: 'c', fault: { type: 'restart', region: 'lhr', count: 5 }, holdSeconds: 1 },
      ] }, source: 'test' },
      thresholds: { flags: ['probe.maxGapSeconds=-2'] },
    });
    const paths = problems.map((p) => p.slice(0, p.indexOf(':')));
    assert.deepEqual(paths.sort(), [
      'steps[0].fault.to', 'steps[1].fault.servers', 'steps[2].fault.count', 'thresholds.probe.maxGapSeconds', 'thresholds.recovery.maxSeconds',
    ]);
  });

  it('plan - a threshold file that is not JSON is one problem naming the file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-plan-'));
    try {
      const file = path.join(dir, 't.json');
      writeFileSync(file, '{ nope');
      const problems = problemsOf({ scenario: 'partition', thresholds: { file } });
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, new RegExp(`^thresholds: ${file.replace(/[.]/g, '\\.')}: not JSON`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plan - every shipped scenario plans on its own topology', () => {
    for (const name of Object.keys(SCENARIOS)) planRun({ scenario: name, seed: 1 });
  });

  it('plan - steps are flattened with repeats, faults typed, thresholds merged once, detectors kept', () => {
    const plan = planRun({
      scenario: { input: { ...base, steps: [{ name: 'r', fault: { type: 'restart', region: 'lhr', count: 1 }, holdSeconds: 2, repeat: 3, gapSeconds: 1 }] }, source: 'test' },
      seed: 42, thresholds: { flags: ['recovery.maxSeconds=7', 'statsz.maxPerServerPerSecond=null'] },
    });
    assert.deepEqual(plan.steps.map((s) => [s.index, s.scenarioStep, s.name]), [[0, 0, 'r (1/3)'], [1, 0, 'r (2/3)'], [2, 0, 'r (3/3)']]);
    const f = plan.steps[0]!.fault!;
    assert.equal(f.type, 'restart');
    if (f.type === 'restart') assert.deepEqual(f.attributes, { region: 'lhr', count: 1 });
    assert.equal(plan.thresholds.recovery?.maxSeconds, 7);
    assert.equal(plan.thresholds.recovery?.noneStuck, true, 'defaults kept');
    assert.equal(plan.thresholds.statsz?.maxPerServerPerSecond, null, 'switched off by the flag');
    assert.deepEqual(plan.detectors, base.detectors);
    assert.equal(plan.seed, 42);
    assert.equal(plan.observer.vantage, 'iad-1');
    assert.equal(plan.seconds, 3 * 3 + base.settleSeconds);
  });

  it('plan - a detector switched off by a flag is a warning, not a problem', () => {
    const plan = planRun({ scenario: 'partition', seed: 1, thresholds: { flags: [`${SCENARIOS.partition.detectors[0]}=null`] } });
    assert.match(plan.warnings.join('\n'), /switched off: this run cannot catch/);
  });

  it('plan - a 1 s ping above 64 servers is a warning naming the measurement; the default ping or 64 servers is not', () => {
    const big = planRun({ scenario: 'statsz-storm', seed: 1, topology: { regions: ['iad', 'lhr', 'syd', 'fra'], servers: 24 } });
    assert.match(big.warnings.join('\n'), /96 servers with a 1s ping: .*bench\/results\/ping-at-scale\.md/);
    const at64 = planRun({ scenario: 'statsz-storm', seed: 1, topology: { regions: ['iad', 'lhr', 'syd', 'fra'], servers: 16 } });
    assert.doesNotMatch(at64.warnings.join('\n'), /ping-at-scale/);
    const storm = planRun({ scenario: 'storm-at-scale', seed: 1, topology: { regions: ['iad', 'lhr', 'syd', 'fra'], servers: 24 } });
    assert.doesNotMatch(storm.warnings.join('\n'), /ping-at-scale/, 'storm-at-scale keeps the default 2m ping');
  });

  it('plan - an attached cluster replaces the topology, and --regions with --attach is a problem', () => {
    const topology = parseTopology({ regions: [{ name: 'iad', servers: 2 }, { name: 'syd', servers: 2 }], variant: 'v2.10.14', ping: { interval: '2m' } });
    const attached = { runId: 'r1', topology, backend: 'local' as const };
    const plan = planRun({ scenario: 'partition', seed: 1, attached });
    assert.equal(plan.variant, 'v2.10.14');
    assert.equal(plan.attachTo, 'r1');
    assert.equal(plan.backend, 'local');
    assert.match(plan.warnings.join('\n'), /pings every 2m, the scenario expects 1s/);
    assert.ok(problemsOf({ scenario: 'partition', attached, topology: { servers: 2 } }).some((p) => p.startsWith('--regions/--servers: not with --attach')));
    // lhr is not in the attached cluster: the scenario's first partition step cannot run on it.
    assert.ok(problemsOf({ scenario: 'latency', attached }).some((p) => p.startsWith('steps[1].fault.to: "lhr"')));
  });
});
