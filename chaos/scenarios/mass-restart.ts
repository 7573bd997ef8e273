import type { ScenarioInput } from '../scenario.ts';
import { threeByThree } from './common.ts';

// The story's upgrade: many servers restart at once and every peer broadcasts STATSZ for every new ID.
// Detector: the per-second rate. The excess per restart is a guard here: at 6 servers one stock
// server's excess (5) sits too close to patched's worst (4) to separate them (bench/results/statsz-bounds.md).
export const massRestart = {
  name: 'mass-restart',
  description: 'restart half of all servers at once, chosen by the seed; the observer vantage is spared',
  topology: threeByThree,
  steps: [
    { name: 'baseline', holdSeconds: 5 },
    { name: 'restart half', fault: { type: 'restart', fraction: 0.5 }, holdSeconds: 15 },
  ],
  settleSeconds: 10,
  detectors: ['statsz.maxPerServerPerSecond'],
  thresholds: {},
} satisfies ScenarioInput;
