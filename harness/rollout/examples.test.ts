import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serversOf } from '../../clusters/index.ts';
import { loadPlaybook, planTargets } from './playbook.ts';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const files = readdirSync(examples).filter((f) => /^(rollout|upgrade)-.*\.(ya?ml|json)$/.test(f)).sort();

describe('rollout examples', () => {
  it('rollout examples - the story and the fault-during-canary playbooks are there', () => {
    assert.ok(files.includes('rollout-story.yaml') && files.includes('rollout-canary-fault.yaml'), files.join(', '));
  });

  for (const f of files) {
    it(`rollout examples - ${f} validates and upgrades every server exactly once, canary → region → global`, () => {
      const p = loadPlaybook(path.join(examples, f));
      assert.deepEqual(p.stages.map((s) => s.kind), ['canary', 'region', 'global']);
      assert.equal(p.cluster.kind, 'topology');
      if (p.cluster.kind !== 'topology') return;
      const servers = serversOf(p.cluster.topology);
      const t = planTargets(p, servers, 1);
      const upgraded = t.flatMap((s) => s.batches.flat());
      assert.deepEqual([...upgraded].sort(), servers.map((s) => s.name).sort());
      const canary = t[0]!.batches[0]![0]!;
      const region = servers.find((s) => s.name === canary)!.region;
      assert.ok(t[1]!.batches.flat().every((n) => n.startsWith(`${region}-`)), 'the region stage stays in the canary region');
      assert.ok(t[0]!.baselinePeer?.startsWith(`${region}-`), 'the comparison baseline sits beside the canary');
    });
  }

  it('rollout examples - upgrade-2.10-to-2.15.yaml crosses minors: patched v2.10.14 to v2.15.3, lame duck in every stage', () => {
    const p = loadPlaybook(path.join(examples, 'upgrade-2.10-to-2.15.yaml'));
    assert.equal(p.baseline, 'v2.10.14+brownout');
    assert.equal(p.target, 'v2.15.3');
    assert.ok(p.stages.every((s) => s.upgrade.lameDuck.enabled), JSON.stringify(p.stages.map((s) => s.upgrade)));
  });

  it('rollout examples - rollout-canary-fault.yaml loses packets on the canary links during the canary soak', () => {
    const p = loadPlaybook(path.join(examples, 'rollout-canary-fault.yaml'));
    const [f] = p.stages[0]!.faults;
    assert.equal(f?.type, 'packet-loss');
    assert.equal(f?.attributes.to, p.stages[0]!.server);
    assert.ok(f!.atSeconds + f!.holdSeconds <= p.stages[0]!.soakSeconds);
    assert.equal(p.stages[0]!.onFailure, 'pause');
  });
});
