import assert from 'node:assert/strict';
import { lossRuleArgs, UNKNOWN_TCP_RULE } from './iptables-loss.ts';

describe('clusters iptables loss', () => {
  it('iptables loss - INPUT matches the source, OUTPUT the destination, both drop at random with the probability', () => {
    assert.deepEqual(lossRuleArgs('INPUT', '10.0.0.5', 0.5).slice(0, 3), ['INPUT', '-s', '10.0.0.5']);
    assert.deepEqual(lossRuleArgs('OUTPUT', '10.0.0.5', 0.5).slice(0, 3), ['OUTPUT', '-d', '10.0.0.5']);
    const args = lossRuleArgs('INPUT', '10.0.0.5', 0.25).join(' ');
    assert.match(args, /-m statistic --mode random --probability 0\.25 /);
    assert.match(args, /-j DROP$/);
  });

  it('iptables loss - the stateful firewall drops non-SYN packets of unknown connections and lets SYNs through', () => {
    assert.equal(UNKNOWN_TCP_RULE.join(' '), 'INPUT -p tcp ! --syn -m conntrack --ctstate NEW,INVALID -m comment --comment brownout-firewall -j DROP');
  });
});
