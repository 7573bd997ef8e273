// Thresholds: plain data, one schema built from the registry, parsed once at load (a file, a
// scenario, `--threshold` flags), then handed to the pure `judge()`. A key left out takes its
// default when merged over DEFAULT_THRESHOLDS; a key set to null (or a boolean set to false) is not checked.
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { BadInputError } from '../../core/errors.ts';
import { formatPath, showValue, valueAt, type PathPart } from '../../core/problem-path.ts';
import { THRESHOLD_KEYS, THRESHOLD_REGISTRY, type ThresholdKey, type Thresholds } from './registry.ts';

export { THRESHOLD_KEYS, type ThresholdKey, type Thresholds } from './registry.ts';

const splitKey = (k: string): [string, string] => k.split('.') as [string, string];
const GROUPS = [...new Set(THRESHOLD_KEYS.map((k) => splitKey(k)[0]))];
const groupKeys = (group: string): string[] => THRESHOLD_KEYS.filter((k) => splitKey(k)[0] === group).map((k) => splitKey(k)[1]);

export const thresholdsSchema = z.strictObject(Object.fromEntries(GROUPS.map((g) => [g,
  z.strictObject(Object.fromEntries(groupKeys(g).map((f) => [f, THRESHOLD_REGISTRY[`${g}.${f}` as ThresholdKey].schema.nullable().optional()]))).optional(),
]))) as unknown as z.ZodType<Thresholds>;

/** Every key at its registry default. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.fromEntries(GROUPS.map((g) => [g,
  Object.fromEntries(groupKeys(g).map((f) => [f, THRESHOLD_REGISTRY[`${g}.${f}` as ThresholdKey].default])),
])) as Thresholds;

/** The value at a dotted key, undefined when left out. */
export function thresholdValue(t: Thresholds, key: ThresholdKey): unknown {
  const [g, f] = splitKey(key);
  return (t as Record<string, Record<string, unknown> | undefined>)[g]?.[f];
}

function problemsOf(error: z.ZodError, input: unknown): string[] {
  return error.issues.flatMap((issue) => {
    const path = formatPath(issue.path as PathPart[]);
    if (issue.code === 'unrecognized_keys') {
      const allowed = path === '' ? GROUPS : groupKeys(path);
      return issue.keys.map((k) => `${formatPath([...(issue.path as PathPart[]), k])}: unknown key; allowed: ${allowed.join(', ')}`);
    }
    const allowed = (THRESHOLD_REGISTRY as Record<string, { allowed: string }>)[path]?.allowed
      ?? (GROUPS.includes(path) ? `an object with keys ${groupKeys(path).join(', ')}` : undefined);
    const got = `got ${showValue(valueAt(input, issue.path))}`;
    const what = issue.code === 'invalid_type' ? `expected ${issue.expected}, ${got}` : `${issue.message.replace(/^Invalid input: /, '')}, ${got}`;
    return [`${path || '(top level)'}: ${what}${allowed ? `; allowed: ${allowed}` : ''}`];
  });
}

/** Validate thresholds from any source; `source` names it in the error (a file, a scenario). */
export function validateThresholds(input: unknown, source: string): Thresholds {
  const parsed = thresholdsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = problemsOf(parsed.error, input);
  throw new BadInputError(`${source}: ${problems.length} problem(s) in thresholds`, {
    problems, hint: `threshold keys: ${THRESHOLD_KEYS.join(', ')}`,
  });
}

/** Override wins key by key; a key set to null in the override switches that check off. */
export function mergeThresholds(base: Thresholds, override: Thresholds): Thresholds {
  const out: Record<string, Record<string, unknown>> = {};
  const b = base as Record<string, Record<string, unknown> | undefined>;
  const o = override as Record<string, Record<string, unknown> | undefined>;
  for (const g of GROUPS) {
    const merged: Record<string, unknown> = { ...b[g] };
    for (const [k, v] of Object.entries(o[g] ?? {})) if (v !== undefined) merged[k] = v;
    if (b[g] !== undefined || o[g] !== undefined) out[g] = merged;
  }
  return out as Thresholds;
}

/** A threshold file holds a few dozen keys; anything far larger is not one (and is not read whole). */
export const THRESHOLD_FILE_MAX_BYTES = 64 * 1024;

/** Read a JSON threshold file; a bad file throws BadInputError naming the file and every problem. */
export function parseThresholdFile(path: string): Thresholds {
  let text: string;
  try {
    const { size } = statSync(path);
    if (size > THRESHOLD_FILE_MAX_BYTES) {
      throw new BadInputError(`${path}: ${size} bytes is too large for a threshold file (the limit is ${THRESHOLD_FILE_MAX_BYTES})`, { problems: [`${path}: ${size} bytes; allowed at most ${THRESHOLD_FILE_MAX_BYTES}`] });
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new BadInputError(`${path}: cannot read threshold file (${why})`, { cause: err, problems: [`${path}: ${why}; allowed: a readable JSON file`] });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadInputError(`${path}: not JSON (${(err as Error).message})`, { cause: err, problems: [`${path}: not JSON`] });
  }
  return validateThresholds(json, path);
}

function flagValue(raw: string): unknown {
  const v = raw.trim();
  if (v === 'null' || v === 'off' || v === 'none') return null;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** `--threshold statsz.maxPerServerPerSecond=4` → `{ statsz: { maxPerServerPerSecond: 4 } }`; `=null` switches it off. */
export function parseThresholdFlag(flag: string): Thresholds {
  const eq = flag.indexOf('=');
  const key = (eq < 0 ? flag : flag.slice(0, eq)).trim();
  if (!(THRESHOLD_KEYS as readonly string[]).includes(key)) {
    throw new BadInputError(`--threshold ${flag}: unknown threshold "${key}"`, {
      problems: [`${formatPath([key])}: unknown key; allowed: ${THRESHOLD_KEYS.join(', ')}`],
    });
  }
  if (eq < 0) {
    throw new BadInputError(`--threshold ${flag}: expected key=value`, { problems: [`${key}: no value; allowed: ${THRESHOLD_REGISTRY[key as ThresholdKey].allowed}`] });
  }
  const [group, name] = splitKey(key);
  return validateThresholds({ [group]: { [name]: flagValue(flag.slice(eq + 1)) } }, `--threshold ${flag}`);
}

/** Apply every `--threshold` flag, in order, over `base`; every bad flag is reported at once. */
export function applyThresholdFlags(base: Thresholds, flags: readonly string[]): Thresholds {
  const problems: string[] = [];
  let out = base;
  for (const f of flags) {
    try {
      out = mergeThresholds(out, parseThresholdFlag(f));
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      problems.push(...err.problems);
    }
  }
  if (problems.length > 0) throw new BadInputError(`${problems.length} bad --threshold flag(s)`, { problems });
  return out;
}
