// What every parser a user reaches must do with any input (issue 18): return, or refuse it as bad
// input (exit 2) with every problem as `path: message`; never a stack, never exit 4; bounded time
// per input. Shared by the fuzz tests in this folder; fast-check drives them.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isCi } from '../support/docker-engine.ts';
import { BadInputError, EnvironmentError, exitCodeOf } from '../../core/errors.ts';

/** The seed of every property under CI. */
const CI_SEED = 20261205;

/** Cases per property: a few thousand in CI seconds; BROWNOUT_FUZZ_RUNS raises it for a long hunt. */
export const RUNS = Number(process.env.BROWNOUT_FUZZ_RUNS ?? 2000);
/** One input may take this long (a 2-core machine shared with clusters: generous, but not a hang). */
export const CASE_MS = 2_000;
/** Heap a whole property may add (an alias bomb or a runaway expansion would blow far past it). */
const HEAP_BYTES = 256 * 1024 * 1024;

/** A problem line: a path (or a flag, a file, `(top level)`), `: `, a message, on one line. */
const PROBLEM = /^(?:\(top level\)|--[a-z-]+|[^\s:][^\n]*?): \S[^\n]*$/;

/** `err` is what a user may see: a BadInputError (exit 2), with problems shaped `path: message`. */
export function assertBadInput(err: unknown, what: string): asserts err is BadInputError {
  if (!(err instanceof BadInputError)) {
    assert.fail(`${what}: expected bad input (exit 2), got exit ${exitCodeOf(err)}: ${err instanceof Error ? err.stack : String(err)}`);
  }
  assert.ok(err.problems.length > 0, `${what}: bad input without a problem: ${err.message}`);
  for (const p of err.problems) assert.match(p, PROBLEM, `${what}: a problem not shaped "path: message"`);
  assert.doesNotMatch([err.message, ...err.problems].join('\n'), /\n\s+at /, `${what}: a stack in the message`);
}

/** Run `parse`; it returns, or throws bad input; either way within CASE_MS. */
export function accepts<T>(parse: () => T, what: string): T | undefined {
  const t0 = performance.now();
  let out: T | undefined;
  try {
    out = parse();
  } catch (err) {
    assertBadInput(err, what);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_MS, `${what}: took ${ms.toFixed(0)} ms (limit ${CASE_MS} ms)`);
  return out;
}

/** As accepts(), for a parser that answers asynchronously. */
export async function acceptsAsync<T>(parse: () => Promise<T>, what: string): Promise<T | undefined> {
  const t0 = performance.now();
  let out: T | undefined;
  try {
    out = await parse();
  } catch (err) {
    assertBadInput(err, what);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_MS, `${what}: took ${ms.toFixed(0)} ms (limit ${CASE_MS} ms)`);
  return out;
}

/**
 * Check a property over `runs` cases, and the heap after. Under CI the seed is fixed (a landing must
 * not hang on a draw; a new finding comes from a hunt, BROWNOUT_FUZZ_RUNS=N without CI); elsewhere
 * each run draws a new seed (fast-check prints it with a failure); BROWNOUT_FUZZ_SEED=<seed> replays.
 */
export function check<Ts extends [unknown, ...unknown[]]>(prop: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>, runs = RUNS): void | Promise<void> {
  const heap0 = process.memoryUsage().heapUsed;
  const fixed = process.env.BROWNOUT_FUZZ_SEED ?? (isCi() ? String(CI_SEED) : undefined);
  const params = { numRuns: runs, ...(fixed ? { seed: Number(fixed) } : {}) };
  const after = () => {
    const grew = process.memoryUsage().heapUsed - heap0;
    assert.ok(grew < HEAP_BYTES, `the heap grew by ${(grew / 2 ** 20).toFixed(0)} MiB over ${runs} cases`);
  };
  const r = fc.assert(prop as fc.IProperty<Ts>, params) as void | Promise<void>;
  return r instanceof Promise ? r.then(after) : after();
}

// ---- arbitraries ----

/** Keys that trip naive object handling. */
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '0', '-1', 'a.b', 'a[0]', '\u0000', '..', '../x'];

/** Strings users and attackers write: empty, huge, unicode, paths, numbers as text, YAML and JSON punctuation. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '../../../etc/passwd', '..', '.', 'latest', 'compose', 'a'.repeat(10_000), '\u0000', '\n', '%00', '${x}', '*a', '&a', '!!binary', '{', '[', '"'),
  fc.constantFrom(...NASTY_KEYS),
);

/** Any JSON-ish value, with nasty keys and numbers (NaN, ±Infinity, -0, huge). */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, undefined, true, false, 0, -0, -1, 1, 1.5, 2 ** 31, 2 ** 53, Number.NaN, Infinity, -Infinity, 1e308),
    fc.integer(),
    fc.double(),
    nastyString,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.constantFrom(...NASTY_KEYS)), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** Every path to a value inside `v` (objects and arrays), the empty path first. */
function pathsOf(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...at, k], out);
  return out;
}

function valueAtPath(v: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((acc, k) => (acc !== null && typeof acc === 'object' ? (acc as Record<string | number, unknown>)[k] : undefined), v);
}

function setAt(v: unknown, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy: Record<string | number, unknown> = Array.isArray(v) ? [...v] as unknown as Record<number, unknown> : { ...(v as object) };
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) (copy as unknown as unknown[]).splice(Number(head), 1);
    else delete copy[head];
  } else {
    copy[head] = setAt(copy[head], rest, value, remove);
  }
  return copy;
}

/**
 * `base` (a valid input) with 1-3 mutations: a value somewhere replaced by a nasty one, a key removed,
 * or a nasty key added. Most cases then fail deep inside validation, where bugs hide.
 */
export function mutationsOf(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const one = fc.tuple(fc.constantFrom(...paths), fc.constantFrom('set', 'remove', 'add'), nastyValue, fc.constantFrom(...NASTY_KEYS, 'extra', 'kind', 'type'));
  return fc.array(one, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce<unknown>((acc, [path, op, value, key]) => {
    try {
      // As JSON or YAML can write it: an array grows by an item, an object by a key.
      if (op === 'add') return Array.isArray(valueAtPath(acc, path)) ? setAt(acc, [...path, (valueAtPath(acc, path) as unknown[]).length], value, false) : setAt(acc, [...path, key], value, false);
      return setAt(acc, path, value, op === 'remove');
    } catch {
      return acc; // the path no longer exists after an earlier mutation
    }
  }, structuredClone(base)));
}

/**
 * For readers of state files: bad input (exit 2), or a damaged file (exit 3, an EnvironmentError)
 * whose message names the file; never a stack, never exit 4; within CASE_MS.
 */
export function acceptsState<T>(parse: () => T, what: string, fileName: string): T | undefined {
  const t0 = performance.now();
  let out: T | undefined;
  try {
    out = parse();
  } catch (err) {
    if (err instanceof EnvironmentError) {
      assert.ok(err.message.includes(fileName), `${what}: a damaged state file's error must name ${fileName}: ${err.message}`);
      assert.doesNotMatch(err.message, /\n\s+at /, `${what}: a stack in the message`);
    } else {
      assertBadInput(err, what);
    }
  }
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_MS, `${what}: took ${ms.toFixed(0)} ms (limit ${CASE_MS} ms)`);
  return out;
}
