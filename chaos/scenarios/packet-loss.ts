import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's first bug: under cross-region loss an outbound gateway that lost the remote's INFO
// waits forever, even after the network heals. Stock stays stuck; patched redials within 3 s.
// The gap after the first heal gives recovery room before the next region's loss starts: recovery
// is judged at the next fault. The data is the same on both backends; the fault picks its model
// (the timeline's fault record says which ran, `model`):
// - docker, `ip-loss`: iptables drops 50 % of IP packets between the other regions' Toxiproxy and
//   the region's servers; the region's servers stall 8 s (paused), then restart behind total loss
//   and a stateful firewall (unknown TCP dropped, not reset), so outbound gateways that were dialing
//   them never get INFO nor a close. Server defaults otherwise: no gateway authorization timeout
//   stand-in. What ends it on stock is Toxiproxy's own TCP keepalive (Go default: 15 s idle, 9
//   probes 15 s apart), ~150 s after the restart, far past the run; nats-server dials gateways with
//   keepalive off, so without the proxy nothing would. Without the firewall the restarted kernel
//   answers Toxiproxy's first probe after the heal with RST and stock recovers by itself.
// - local, `toxiproxy-blackhole`: Toxiproxy blackholes 50 % of connections (drawn per connection)
//   with link flaps, healed by setting toxicity to 0 no sooner than 2.5 s after the last flap (so
//   its redials meet the loss); the 600 s gateway authorization timeout
//   (common.ts) stands for the remote's lost close.
export const packetLoss = {
  name: 'packet-loss',
  description: 'lossy links into lhr, then syd; then heal. docker: 50 % IP packet loss, the region stalls and restarts behind total loss and a stateful firewall (server defaults). local: Toxiproxy blackholes on 50 % of connections with link flaps, a 600 s gateway authorization timeout standing for the lost close',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'lossy links into lhr', fault: { type: 'packet-loss', to: 'lhr', probability: 0.5, flapEverySeconds: 4, flapDownMs: 300 }, holdSeconds: 16, gapSeconds: 12 },
    { name: 'lossy links into syd', fault: { type: 'packet-loss', to: 'syd', probability: 0.5, flapEverySeconds: 4, flapDownMs: 300 }, holdSeconds: 16 },
  ],
  settleSeconds: 20,
  detectors: ['recovery.maxSeconds', 'recovery.noneStuck'],
  thresholds: {},
} satisfies ScenarioInput;
