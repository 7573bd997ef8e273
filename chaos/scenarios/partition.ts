import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

export const partition = {
  name: 'partition',
  description: 'cut syd off from the other regions for 10 s, then heal',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'partition syd', fault: { type: 'partition', region: 'syd' }, holdSeconds: 10 },
  ],
  settleSeconds: 15,
  detectors: ['recovery.maxSeconds', 'recovery.noneStuck', 'probe.maxResumeSeconds'],
  thresholds: {},
} satisfies ScenarioInput;
