import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's second bug: each restart makes the restarted server (and its peers) broadcast STATSZ
// for every remote server it discovers. Stock bursts 2(n−1)+5 per restart; patched, 1/s per server.
// One server in each region (chosen by the seed), one at a time, so every restart is its own burst;
// the vantage (iad-1) is never restarted. Selectors, not names, so --regions/--servers resize it.
export const statszStorm = {
  name: 'statsz-storm',
  description: 'restart one server in each region, one at a time, and measure the STATSZ burst each restart causes',
  topology: threeByThree,
  observer: { vantage: 'iad-1' },
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'restart one in lhr', fault: { type: 'restart', region: 'lhr', count: 1 }, holdSeconds: 6 },
    { name: 'restart one in syd', fault: { type: 'restart', region: 'syd', count: 1 }, holdSeconds: 6 },
    { name: 'restart one in iad', fault: { type: 'restart', region: 'iad', count: 1 }, holdSeconds: 6 },
  ],
  settleSeconds: 5,
  detectors: ['statsz.maxPerServerPerSecond', 'statsz.maxExcessPerRestart'],
  thresholds: {},
} satisfies ScenarioInput;
