import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's first bug: under cross-region loss an outbound gateway that lost the remote's INFO
// waits forever, even after the network heals. Stock stays stuck; patched redials within 3 s.
// The gap after the first heal gives recovery room before the next region's loss starts: recovery
// is judged at the next fault.
export const packetLoss = {
  name: 'packet-loss',
  description: 'lossy links into lhr and syd with link flaps, so gateway handshakes run under loss; then heal',
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
