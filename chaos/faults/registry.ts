// Every fault type, by the name scenarios use. Adding a fault: one file, one line here.
import type { FaultType } from '../fault.ts';
import { bandwidth } from './bandwidth.ts';
import { blackhole } from './blackhole.ts';
import { kill } from './kill.ts';
import { latency } from './latency.ts';
import { packetLoss } from './packet-loss.ts';
import { partition } from './partition.ts';
import { pause } from './pause.ts';
import { reset } from './reset.ts';
import { restart } from './restart.ts';
import { upgrade } from './upgrade.ts';

export const FAULTS = {
  latency, bandwidth, blackhole, reset, partition, 'packet-loss': packetLoss, kill, restart, pause, upgrade,
} satisfies Record<string, FaultType<any>>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];
