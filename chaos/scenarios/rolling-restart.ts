import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

export const rollingRestart = {
  name: 'rolling-restart',
  description: 'restart one server in each region in turn, waiting between them, as an operator would',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'restart in iad', fault: { type: 'restart', region: 'iad', count: 1 }, holdSeconds: 6 },
    { name: 'restart in lhr', fault: { type: 'restart', region: 'lhr', count: 1 }, holdSeconds: 6 },
    { name: 'restart in syd', fault: { type: 'restart', region: 'syd', count: 1 }, holdSeconds: 6 },
  ],
  settleSeconds: 8,
  detectors: ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'],
  thresholds: {},
} satisfies ScenarioInput;
