import assert from 'node:assert/strict';
import { packetLoss, packetLossModel } from './packet-loss.ts';

describe('chaos packet-loss fault', () => {
  const table: { name: string; backend: string; forced?: 'ip-loss' | 'toxiproxy-blackhole'; want: string }[] = [
    { name: 'docker drops real IP packets', backend: 'docker', want: 'ip-loss' },
    { name: 'local has only Toxiproxy', backend: 'local', want: 'toxiproxy-blackhole' },
    { name: 'a forced model wins on docker', backend: 'docker', forced: 'toxiproxy-blackhole', want: 'toxiproxy-blackhole' },
    { name: 'a forced model wins on local (apply then refuses it)', backend: 'local', forced: 'ip-loss', want: 'ip-loss' },
  ];
  for (const c of table) {
    it(`packet-loss model - ${c.name}`, () => assert.equal(packetLossModel(c.backend, c.forced), c.want));
  }

  it('packet-loss attributes - the scenario data parses the same for both models, with the docker defaults', () => {
    const a = packetLoss.attributes.parse({ to: 'lhr', probability: 0.5, flapEverySeconds: 4, flapDownMs: 300 });
    assert.deepEqual(a, { to: 'lhr', probability: 0.5, flapEverySeconds: 4, flapDownMs: 300, restartRemote: true, stallSeconds: 8, firewallRestarted: true });
  });

  it('packet-loss attributes - an unknown model and the removed ipLoss are refused', () => {
    assert.equal(packetLoss.attributes.safeParse({ to: 'lhr', probability: 0.5, model: 'netem' }).success, false);
    assert.equal(packetLoss.attributes.safeParse({ to: 'lhr', probability: 0.5, ipLoss: 0.3 }).success, false);
  });
});
