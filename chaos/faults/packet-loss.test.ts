import assert from 'node:assert/strict';
import { healWaitMs, packetLoss, packetLossModel, REDIAL_AFTER_FLAP_MS } from './packet-loss.ts';

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

  // Recorded on local stock, seed 13: the last flap ended as the heal began, every gateway redialed
  // on healed links, and stock passed packet-loss. The heal now waits for the flap's redials.
  const heal: { name: string; lastFlap: number | null; now: number; want: number }[] = [
    { name: 'no flap yet: heal at once', lastFlap: null, now: 10_000, want: 0 },
    { name: 'a flap that just ended: wait the whole redial time', lastFlap: 10_000, now: 10_000, want: REDIAL_AFTER_FLAP_MS },
    { name: 'a flap 1 s ago: wait the rest', lastFlap: 9_000, now: 10_000, want: REDIAL_AFTER_FLAP_MS - 1000 },
    { name: 'a flap long ago: heal at once', lastFlap: 1_000, now: 10_000, want: 0 },
  ];
  for (const c of heal) {
    it(`packet-loss heal (toxiproxy-blackhole) - ${c.name}`, () => assert.equal(healWaitMs(c.lastFlap, c.now), c.want));
  }
});
