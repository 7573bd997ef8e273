import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

export const kill = {
  name: 'kill',
  description: 'kill -9 two servers, keep them down 10 s, start them again',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'kill two', fault: { type: 'kill', count: 2 }, holdSeconds: 10 },
  ],
  settleSeconds: 12,
  detectors: ['recovery.maxSeconds', 'recovery.noneStuck'],
  thresholds: {},
} satisfies ScenarioInput;
