// The detection matrix: four builds × the two scenarios that exist for the story's two bugs, and
// what each cell must show. A build that keeps a bug is "detected" only when the scenario's own
// detector failed; every other failure is reported beside it. A build without the bug must pass,
// except for failures that belong to the other bug it keeps (gateway-only still storms STATSZ, so
// a STATSZ guard may fail on packet-loss). Pure: shared by test/gate-detection.test.ts and
// bench/detection.bench.ts.
import { VARIANT_ALIASES } from '../../harness/variants/aliases.ts';
import { resolveVariant } from '../../harness/variants/variant.ts';
import { DEFAULT_NATS_TAG } from '../../core/layout.ts';
import { DROP_POOL_SLOT_PATCHES } from './build.ts';
import { SCENARIOS } from '../../chaos/scenarios/index.ts';
import type { ThresholdResult, Verdict } from '../../harness/verdict/result.ts';

export type MatrixScenario = 'packet-loss' | 'statsz-storm' | 'mass-restart' | 'route-auth' | 'route-flap' | 'route-dns';
/** Our four builds by alias; upstream tags as themselves; `drop-pool-slot`: the test-only build (test/support/build.ts). */
export type MatrixBuild = 'stock' | 'patched' | 'statsz-only' | 'gateway-only' | 'v2.11.8' | 'v2.12.14' | 'v2.12.15' | 'v2.14.5' | 'v2.14.6' | 'v2.15.3' | 'drop-pool-slot';

export interface Cell {
  scenario: MatrixScenario;
  build: MatrixBuild;
  /** `detected`: at least one of `detectors` must fail; `pass`: no detector fails and no guard outside `tolerated`. */
  expect: 'detected' | 'pass';
  /** The detectors that catch the bug this build keeps (a subset of the scenario's detectors). */
  detectors: string[];
  /** Guards that may fail on a `pass` cell: they belong to the other bug this build keeps. */
  tolerated: string[];
  /** Only on these backends (a scenario that needs docker); every backend when absent. */
  backends?: readonly ('local' | 'docker')[];
}

const RECOVERY = ['recovery.maxSeconds', 'recovery.noneStuck'];
const STATSZ_PREFIX = 'statsz.';
const detect = (scenario: MatrixScenario, build: MatrixBuild, detectors: string[]): Cell => ({ scenario, build, expect: 'detected', detectors, tolerated: [] });
const pass = (scenario: MatrixScenario, build: MatrixBuild, tolerated: string[] = []): Cell => ({ scenario, build, expect: 'pass', detectors: [], tolerated });

/** Every STATSZ threshold: the ones a build that keeps the storm may fail as guards. */
export const STATSZ_GUARDS = 'statsz.*';

export const MATRIX: readonly Cell[] = [
  detect('packet-loss', 'stock', RECOVERY),
  detect('statsz-storm', 'stock', SCENARIOS['statsz-storm'].detectors),
  pass('packet-loss', 'patched'),
  pass('statsz-storm', 'patched'),
  pass('packet-loss', 'gateway-only', [STATSZ_GUARDS]),
  detect('statsz-storm', 'gateway-only', SCENARIOS['statsz-storm'].detectors),
  detect('packet-loss', 'statsz-only', RECOVERY),
  pass('statsz-storm', 'statsz-only'),
];

/**
 * mass-restart is in the release gate (chaos/scenarios/index.ts GATE_SUITE) because stock fails it
 * by its STATSZ detector (seed 1, local, 3×3: 10 msgs in 1 s from one server) and patched passes it;
 * CI keeps showing both.
 */
export const GATE_EXTRA: readonly Cell[] = [
  detect('mass-restart', 'stock', SCENARIOS['mass-restart'].detectors),
  pass('mass-restart', 'patched'),
];

/**
 * The route detectors' cells (bench only; CI runs one seed of four of them in test/routes.test.ts, local,
 * and route-flap × drop-pool-slot on docker in test/routes-docker.test.ts). Both backends.
 * route-auth: nats-server #7194 / PR #7200, merged 2025-08-23; v2.11.8 (2025-08-14) and our stock
 * v2.10.14 loop, v2.15.3 does not (first tags with the fix on the module proxy: v2.12.1, v2.11.15). route-flap: no released
 * tag reproduced upstream's unfilled slot (PR #8454 / #8527) here, so the test-only drop-pool-slot
 * build stands for it; v2.15.3 (2026-11) carries those fixes. route-dns (docker only) shows them on
 * released tags: v2.12.14 has neither fix (PR #8454, #8527) and loses the $SYS route and a slot per
 * reset; v2.12.15 and v2.14.5 have #8454 only and lose the $SYS route (the scenario resets it alone
 * first); v2.14.6 and v2.15.3 have both.
 */
export const ROUTE_MATRIX: readonly Cell[] = [
  detect('route-auth', 'stock', ['routes.maxConnectsPerSecond']),
  detect('route-auth', 'v2.11.8', ['routes.maxConnectsPerSecond']),
  pass('route-auth', 'v2.15.3'),
  detect('route-flap', 'drop-pool-slot', ['routes.poolComplete']),
  pass('route-flap', 'stock'),
  pass('route-flap', 'v2.15.3'),
  { ...detect('route-dns', 'v2.12.14', ['routes.poolComplete']), backends: ['docker'] },
  { ...detect('route-dns', 'v2.12.15', ['routes.poolComplete']), backends: ['docker'] },
  { ...detect('route-dns', 'v2.14.5', ['routes.poolComplete']), backends: ['docker'] },
  { ...pass('route-dns', 'v2.14.6'), backends: ['docker'] },
  { ...pass('route-dns', 'v2.15.3'), backends: ['docker'] },
];

export const cellName = (c: Pick<Cell, 'scenario' | 'build'>): string => `${c.scenario} × ${c.build}`;
export const variantOf = (b: MatrixBuild): string =>
  VARIANT_ALIASES[b] ?? (b === 'drop-pool-slot' ? resolveVariant({ tag: DEFAULT_NATS_TAG, patches: DROP_POOL_SLOT_PATCHES }).name : b);

/** What a cell needs of a verdict. */
export type VerdictLike = Pick<Verdict, 'detectorsFailed' | 'guardsFailed'> & { results: Pick<ThresholdResult, 'name' | 'role' | 'status'>[] };

export interface CellOutcome {
  asExpected: boolean;
  /** The bug's build passed its detectors. */
  falseNegative: boolean;
  /** A build without the bug failed a detector, or a guard that is not tolerated. */
  falsePositive: boolean;
  detectorsFailed: string[];
  guardsFailed: string[];
  /** One line saying what happened against what was expected. */
  why: string;
}

const tolerates = (c: Cell, name: string) => c.tolerated.some((t) => t === name || (t === STATSZ_GUARDS && name.startsWith(STATSZ_PREFIX)));

/** Pure: judge one run of a cell. An incomplete run is never as expected. */
export function judgeCell(c: Cell, v: VerdictLike, incomplete = false): CellOutcome {
  const { detectorsFailed, guardsFailed } = v;
  const failed = `detectors failed [${detectorsFailed.join(', ')}], guards failed [${guardsFailed.join(', ')}]`;
  if (c.expect === 'detected') {
    const caught = detectorsFailed.filter((d) => c.detectors.includes(d));
    const falseNegative = caught.length === 0;
    return {
      asExpected: !falseNegative && !incomplete, falseNegative, falsePositive: false, detectorsFailed, guardsFailed,
      why: `${cellName(c)}: expected a failure of ${c.detectors.join(' or ')}; ${failed}${incomplete ? ' (incomplete run)' : ''}`,
    };
  }
  const untolerated = guardsFailed.filter((g) => !tolerates(c, g));
  const falsePositive = detectorsFailed.length > 0 || untolerated.length > 0;
  return {
    asExpected: !falsePositive && !incomplete, falseNegative: false, falsePositive, detectorsFailed, guardsFailed,
    why: `${cellName(c)}: expected every detector to pass${c.tolerated.length ? ` (guards ${c.tolerated.join(', ')} may fail)` : ' and every guard'}; ${failed}${incomplete ? ' (incomplete run)' : ''}`,
  };
}
