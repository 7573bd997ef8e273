import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's second bug: each restart makes the restarted server (and its peers) broadcast STATSZ
// for every remote server it discovers. Stock bursts 2(n−1)+5 per restart; patched, 1/s per server.
export const statszStorm = {
  name: 'statsz-storm',
  description: 'restart servers one at a time and measure the STATSZ burst each restart causes',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'restart one server', fault: { type: 'restart', count: 1 }, holdSeconds: 6, repeat: 3 },
  ],
  settleSeconds: 5,
  thresholds: {},
} satisfies ScenarioInput;
