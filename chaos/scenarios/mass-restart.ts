import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's upgrade: many servers restart at once and every peer broadcasts STATSZ for every new ID.
export const massRestart = {
  name: 'mass-restart',
  description: 'restart half of all servers at once, chosen by the seed; the observer vantage is spared',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'restart half', fault: { type: 'restart', fraction: 0.5 }, holdSeconds: 15 },
  ],
  settleSeconds: 10,
  detectors: ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'],
  thresholds: {},
} satisfies ScenarioInput;
