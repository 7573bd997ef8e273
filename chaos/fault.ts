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
}

export interface AppliedFault {
  /** Link names (`iad→lhr-2`) or server names (`lhr-1`) it hit. */
  targets: string[];
  /** Undo the fault; safe to call twice (teardown may call it again). */
  revert(): Promise<void>;
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
  if (sel.servers) {
    const known = new Set(all.map((s) => s.name));
    const unknown = sel.servers.filter((s) => !known.has(s));
    if (unknown.length) throw new BadInputError(`no server ${unknown.join(', ')}`, { problems: [`servers: one of ${[...known].join(', ')}`] });
    return sel.servers;
  }
  const pool = all.filter((s) => (sel.region === undefined || s.region === sel.region) && !ctx.protectedServers.has(s.name)).map((s) => s.name);
  if (pool.length === 0) throw new BadInputError(`no server to pick in region ${sel.region ?? '(any)'}`, { problems: [`region: one of ${ctx.cluster.regions.join(', ')}`] });
  // fraction is of all servers, so "half the cluster" means half, even with the vantage point spared.
  const count = sel.count ?? (sel.fraction !== undefined ? Math.max(1, Math.round(sel.fraction * all.length)) : 1);
  return ctx.rng.pick(pool, count).sort();
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
