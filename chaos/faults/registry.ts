// Every fault type, by the name scenarios use. Adding a fault: one file, one line here.
import type { AppliedFault, FaultContext, FaultType } from '../fault.ts';
import { bandwidth } from './bandwidth.ts';
import { blackhole } from './blackhole.ts';
import { dnsOutage } from './dns-outage.ts';
import { kill } from './kill.ts';
import { latency } from './latency.ts';
import { packetLoss } from './packet-loss.ts';
import { partition } from './partition.ts';
import { pause } from './pause.ts';
import { reset } from './reset.ts';
import { restart } from './restart.ts';
import { routeAuth } from './route-auth.ts';
import { routeReset } from './route-reset.ts';
import { upgrade } from './upgrade.ts';

const registry = {
  latency, bandwidth, blackhole, reset, partition, 'packet-loss': packetLoss, kill, restart, pause, upgrade, 'route-auth': routeAuth, 'route-reset': routeReset, 'dns-outage': dnsOutage,
} satisfies Record<string, FaultType<any>>;

export type FaultName = keyof typeof registry;

/** Each fault type's parsed attributes, by name. */
export type FaultAttributes = { [K in FaultName]: (typeof registry)[K] extends FaultType<infer A> ? A : never };

/** The registry as a mapped type, so `FAULTS[k].apply` takes exactly the attributes of `k`. */
export const FAULTS: { readonly [K in FaultName]: FaultType<FaultAttributes[K]> } = registry;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

/** A fault with its attributes parsed by its own schema: a discriminated union on `type`. */
export type TypedFault<K extends FaultName = FaultName> = { [P in K]: { type: P; attributes: FaultAttributes[P] } }[K];

export function applyFault<K extends FaultName>(ctx: FaultContext, fault: TypedFault<K>): Promise<AppliedFault> {
  return FAULTS[fault.type].apply(ctx, fault.attributes);
}
