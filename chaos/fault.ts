// What every fault type provides, and the selectors faults use to pick links and servers.
import { z } from 'zod';
import type { StartedCluster } from '../clusters/index.ts';
import type { Rng } from './rng.ts';
import { BadInputError } from '../core/errors.ts';

export interface FaultContext {
  cluster: StartedCluster;
  rng: Rng;
  /** Servers faults must not touch: the observer's vantage point sits outside the blast radius. */
  protectedServers: ReadonlySet<string>;
  log(message: string): void;
  /** Optional: how `upgrade` moves servers, when the caller moves them its own way. */
  mover?: ServerMover;
}

/**
 * An optional ability of a fault context: moving servers to a variant the caller's way (a rollout:
 * lame duck, then stop and start, each part recorded in its state, the mesh awaited). Never rejects
 * for one server's failure (the caller records it), only when it must stop.
 */
export interface ServerMover {
  move(targets: readonly string[], variant: string): Promise<void>;
}

export interface AppliedFault {
  /** Link names (`iad→lhr-2`) or server names (`lhr-1`) it hit. */
  targets: string[];
  /** What it did beyond its input attributes (e.g. the iptables rules it placed); merged into the timeline's fault record. */
  attributes?: Record<string, unknown>;
  /** Undo the fault; safe to call twice (teardown may call it again). */
  revert(): Promise<void>;
  /** What it did while applied (a fault that acts again and again: its rounds and counts); read after revert, merged into the `reverted` record. */
  outcome?(): Record<string, unknown>;
}

export interface FaultType<A> {
  readonly type: string;
  readonly description: string;
  /** Attributes (everything but `type`); strict: unknown keys are rejected. */
  readonly attributes: z.ZodType<A>;
  apply(ctx: FaultContext, attrs: A): Promise<AppliedFault>;
}

/** Declare a fault type with its attribute schema checked against apply()'s parameter. */
export function defineFault<S extends z.ZodType>(f: { type: string; description: string; attributes: S; apply(ctx: FaultContext, attrs: z.output<S>): Promise<AppliedFault> }): FaultType<z.output<S>> {
  return { ...f, attributes: f.attributes as unknown as z.ZodType<z.output<S>> };
}

export const direction = z.enum(['forward', 'reverse', 'both']);

/** Links: `to` a region or server, optionally `from` a region (docker backend only). */
export const linkSelector = {
  to: z.string().optional(),
  from: z.string().optional(),
};

/** Servers: by name, or `count`/`fraction` of a region (or of all), chosen with the run's seed. */
export const serverSelector = {
  servers: z.array(z.string()).min(1).optional(),
  region: z.string().optional(),
  count: z.number().int().min(1).optional(),
  fraction: z.number().gt(0).max(1).optional(),
};

export interface ServerSelection {
  servers?: string[];
  region?: string;
  count?: number;
  fraction?: number;
}

export function pickServers(ctx: FaultContext, sel: ServerSelection): string[] {
  const all = ctx.cluster.servers().map((s) => ({ name: s.name, region: s.region }));
  const problems = serverSelectionProblems(sel, all, ctx.protectedServers);
  if (problems.length) throw new BadInputError('bad server selection', { problems });
  if (sel.servers) return sel.servers;
  return ctx.rng.pick(serverPool(sel, all, ctx.protectedServers), serverCount(sel, all.length)).sort();
}

interface NamedServer {
  name: string;
  region: string;
}

/** Servers a seeded choice may take: the region's (or all), the protected ones spared. */
function serverPool(sel: ServerSelection, all: readonly NamedServer[], protectedServers: ReadonlySet<string>): string[] {
  return all.filter((s) => (sel.region === undefined || s.region === sel.region) && !protectedServers.has(s.name)).map((s) => s.name);
}

/** How many a seeded choice takes. fraction is of all servers, so "half the cluster" means half, even with the vantage spared. */
function serverCount(sel: ServerSelection, total: number): number {
  return sel.count ?? (sel.fraction !== undefined ? Math.max(1, Math.round(sel.fraction * total)) : 1);
}

/**
 * Pure: why a server selection cannot be satisfied on these servers, each problem as `key: what;
 * allowed: ...`. A choice by seed is made at run time, but whether it can be made is known here.
 */
export function serverSelectionProblems(sel: ServerSelection, all: readonly NamedServer[], protectedServers: ReadonlySet<string>): string[] {
  const names = all.map((s) => s.name);
  const regions = [...new Set(all.map((s) => s.region))];
  if (sel.servers) {
    const problems: string[] = [];
    const unknown = sel.servers.filter((n) => !names.includes(n));
    if (unknown.length) problems.push(`servers: no server ${unknown.map((n) => `"${n}"`).join(', ')}; allowed: ${names.join(', ')}`);
    const spared = sel.servers.filter((n) => protectedServers.has(n));
    if (spared.length) problems.push(`servers: ${spared.join(', ')} is the observer's vantage and must be spared; allowed: ${names.filter((n) => !protectedServers.has(n)).join(', ')}`);
    for (const k of ['region', 'count', 'fraction'] as const) if (sel[k] !== undefined) problems.push(`${k}: not with servers; give servers, or region/count/fraction`);
    return problems;
  }
  if (sel.count !== undefined && sel.fraction !== undefined) return ['count: not with fraction; give one of them'];
  if (sel.region !== undefined && !regions.includes(sel.region)) return [`region: "${sel.region}" is not a region; allowed: ${regions.join(', ')}`];
  const pool = serverPool(sel, all, protectedServers);
  const want = serverCount(sel, all.length);
  if (want <= pool.length) return [];
  const key = sel.count !== undefined ? 'count' : sel.fraction !== undefined ? 'fraction' : 'region';
  const where = sel.region === undefined ? 'the cluster' : `region ${sel.region}`;
  const spared = protectedServers.size ? ` (${[...protectedServers].join(', ')} spared as the observer's vantage)` : '';
  return [`${key}: needs ${want} server(s) but ${where} has ${pool.length} to choose from${spared}; allowed: at most ${pool.length}`];
}

/** What a link selector can name on a topology. `perSourceLinks`: undefined when the backend is not known yet. */
export interface LinkTopology {
  servers: readonly NamedServer[];
  /** True on docker (one Toxiproxy per source region), false on local (per destination only). */
  perSourceLinks?: boolean;
}

/** Pure: why `to`/`from` name no link on this topology. */
export function linkSelectionProblems(sel: { to?: string; from?: string }, topo: LinkTopology): string[] {
  const problems: string[] = [];
  const regions = [...new Set(topo.servers.map((s) => s.region))];
  const names = topo.servers.map((s) => s.name);
  if (sel.to !== undefined && !regions.includes(sel.to) && !names.includes(sel.to)) {
    problems.push(`to: "${sel.to}" is neither a region nor a server; allowed: ${[...regions, ...names].join(', ')}`);
  }
  if (sel.from !== undefined) {
    if (topo.perSourceLinks === false) problems.push('from: links by source region need the docker backend; local proxies are per destination server');
    else if (!regions.includes(sel.from)) problems.push(`from: "${sel.from}" is not a region; allowed: ${regions.join(', ')}`);
    else if (sel.to !== undefined && (sel.to === sel.from || topo.servers.some((s) => s.name === sel.to && s.region === sel.from))) {
      problems.push(`from: "${sel.from}" is where "${sel.to}" is; a link crosses regions; allowed: ${regions.filter((r) => r !== sel.from).join(', ')}`);
    }
  }
  return problems;
}

/** Run `fn` on every target at once, so a mass restart is one burst, not a sequence. */
export async function onAll(names: string[], fn: (name: string) => Promise<void>): Promise<void> {
  await Promise.all(names.map(fn));
}

/** A revert that may be called by the step and again by teardown. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
