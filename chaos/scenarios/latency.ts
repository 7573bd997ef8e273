import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

export const latency = {
  name: 'latency',
  description: '250 ms ± 50 ms on every link into lhr, then 1 s into syd; gateways must stay up',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: '250ms into lhr', fault: { type: 'latency', to: 'lhr', latencyMs: 250, jitterMs: 50 }, holdSeconds: 15 },
    { name: '1s into syd', fault: { type: 'latency', to: 'syd', latencyMs: 1000 }, holdSeconds: 10 },
  ],
  settleSeconds: 10,
  detectors: ['probe.maxLossOutsideFaults', 'probe.maxResumeSeconds'],
  thresholds: {},
} satisfies ScenarioInput;
