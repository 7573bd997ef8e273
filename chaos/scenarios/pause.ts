import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

export const pause = {
  name: 'pause',
  description: 'freeze one server in lhr for 10 s (sockets open, nothing answers), then thaw it',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'pause one in lhr', fault: { type: 'pause', region: 'lhr', count: 1 }, holdSeconds: 10 },
  ],
  settleSeconds: 12,
  detectors: ['recovery.maxSeconds', 'recovery.noneStuck'],
  thresholds: {},
} satisfies ScenarioInput;
