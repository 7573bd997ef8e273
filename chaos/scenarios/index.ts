// Every scenario, by name. Adding a scenario: one file, one line here.
import type { ScenarioInput } from '../scenario.ts';
import { kill } from './kill.ts';
import { latency } from './latency.ts';
import { massRestart } from './mass-restart.ts';
import { packetLoss } from './packet-loss.ts';
import { partition } from './partition.ts';
import { pause } from './pause.ts';
import { rollingRestart } from './rolling-restart.ts';
import { routeAuth } from './route-auth.ts';
import { routeFlap } from './route-flap.ts';
import { routeFlapSeed } from './route-flap-seed.ts';
import { routeDns } from './route-dns.ts';
import { statszStorm } from './statsz-storm.ts';
import { stormAtScale } from './storm-at-scale.ts';

export const SCENARIOS = {
  'packet-loss': packetLoss,
  partition,
  latency,
  'mass-restart': massRestart,
  'rolling-restart': rollingRestart,
  'statsz-storm': statszStorm,
  'route-auth': routeAuth,
  'route-flap': routeFlap,
  'route-flap-seed': routeFlapSeed,
  'route-dns': routeDns,
  'storm-at-scale': stormAtScale,
  kill,
  pause,
} satisfies Record<string, ScenarioInput>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** The release gate: the scenarios that caught the story's two bugs, and the upgrade storm. */
export const GATE_SUITE: ScenarioName[] = ['packet-loss', 'mass-restart', 'statsz-storm'];
