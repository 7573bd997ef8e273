import assert from 'node:assert/strict';
import { lossRuleArgs, unknownTcpRule } from './iptables-loss.ts';

describe('clusters iptables loss', () => {
  it('iptables loss - INPUT matches the source, OUTPUT the destination, both drop at random with the probability', () => {
    assert.deepEqual(lossRuleArgs('INPUT', '10.0.0.5', 0.5, 't').slice(0, 3), ['INPUT', '-s', '10.0.0.5']);
    assert.deepEqual(lossRuleArgs('OUTPUT', '10.0.0.5', 0.5, 't').slice(0, 3), ['OUTPUT', '-d', '10.0.0.5']);
    const args = lossRuleArgs('INPUT', '10.0.0.5', 0.25, '42.7.3').join(' ');
    assert.match(args, /-m statistic --mode random --probability 0\.25 /);
    assert.match(args, /--comment brownout-loss:42\.7\.3 -j DROP$/);
  });

  it('iptables loss - the stateful firewall drops non-SYN packets of unknown connections and lets SYNs through', () => {
    assert.equal(unknownTcpRule('42.7.3').join(' '), 'INPUT -p tcp ! --syn -m conntrack --ctstate NEW,INVALID -m comment --comment brownout-firewall:42.7.3 -j DROP');
  });
});
