// Cluster shapes for the scale benches, written RxN (regions × servers per region), optionally
// RxNpP (route pool size P): region names in a fixed order, so a shape always means the same cluster.
import { parseTopology, type Topology } from '../clusters/index.ts';
import { BadInputError } from '../core/errors.ts';

export const REGION_NAMES = ['iad', 'lhr', 'syd', 'fra', 'sin', 'gru', 'nrt', 'jnb'];

export interface Shape {
  label: string;
  regions: number;
  perRegion: number;
  pool?: number;
}

/** `4x24` or `4x24p1`; `source` names the variable in the error. */
export function parseShape(spec: string, source: string): Shape {
  const m = /^(\d+)x(\d+)(?:p(\d+))?$/.exec(spec.trim());
  if (!m || Number(m[1]) < 1 || Number(m[1]) > REGION_NAMES.length) {
    throw new BadInputError(`${source}: ${spec}`, { problems: [`shape: RxN or RxNpP (regions × servers, route pool P), 1 to ${REGION_NAMES.length} regions`] });
  }
  return { label: spec.trim(), regions: Number(m[1]), perRegion: Number(m[2]), ...(m[3] ? { pool: Number(m[3]) } : {}) };
}

export function shapeTopology(shape: Shape, variant: string): Topology {
  return parseTopology({
    regions: REGION_NAMES.slice(0, shape.regions).map((name) => ({ name, servers: shape.perRegion })),
    variant, ...(shape.pool ? { routePoolSize: shape.pool } : {}),
  });
}
