import assert from 'node:assert/strict';
import { dockerdCommand, labEnvironment, labPlan, LAB_ADDRESS_POOL, LAB_SUBNET_PREFIX } from './swarm-lab-plan.ts';

describe('clusters swarm lab plan', () => {
  it('swarm lab - one node per region, node 1 the manager, addresses on the bridge, paths per node', () => {
    const p = labPlan(['iad', 'lhr', 'syd']);
    assert.deepEqual(p.nodes.map((n) => [n.name, n.region, n.ip, n.manager]), [
      ['n1', 'iad', '10.231.0.11', true], ['n2', 'lhr', '10.231.0.12', false], ['n3', 'syd', '10.231.0.13', false]]);
    assert.equal(new Set(p.nodes.flatMap((n) => [n.socket, n.dataRoot, n.execRoot, n.pidfile, n.netns])).size, 15);
    assert.equal(p.hostIp, `${LAB_SUBNET_PREFIX}.1`);
  });
  it('swarm lab - the overlay pool does not cover the bridge subnet', () => {
    assert.ok(!LAB_ADDRESS_POOL.startsWith(`${LAB_SUBNET_PREFIX}.`) && !LAB_ADDRESS_POOL.startsWith('10.0.'));
  });
  it('swarm lab - an engine gets its own mount namespace and enters its netns with nsenter, not ip netns exec', () => {
    const cmd = dockerdCommand(labPlan(['iad'])!.nodes[0]!);
    assert.deepEqual(cmd.slice(0, 5), ['unshare', '--mount', '--uts', '--propagation', 'private']);
    const script = cmd.at(-1)!;
    assert.match(script, /mount -t tmpfs .* \/var\/run\/docker/);
    assert.match(script, /exec nsenter --net=\/run\/netns\/bsw-n1 \/usr\/sbin\/dockerd .*-H unix:\/\/\/run\/brownout-swarm\/n1.sock/);
    assert.doesNotMatch(script, /ip netns exec/);
  });
  it('swarm lab - the FORWARD rule is ours by its comment, and the environment names every engine', () => {
    const p = labPlan(['a', 'b']);
    assert.ok(p.forwardRule.includes('brownout-swarm-lab'));
    assert.deepEqual(labEnvironment(p), { BROWNOUT_SWARM_HOST: 'unix:///run/brownout-swarm/n1.sock', BROWNOUT_SWARM_ENGINES: 'unix:///run/brownout-swarm/n1.sock,unix:///run/brownout-swarm/n2.sock' });
  });
  it('swarm lab - 1..9 nodes', () => {
    assert.throws(() => labPlan([]), RangeError);
    assert.throws(() => labPlan(Array.from({ length: 10 }, (_, i) => `r${i}`)), RangeError);
  });
});
