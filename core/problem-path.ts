// One format for the path of every input problem, whoever finds it: `stages[1].gates[0].threshold`,
// `topology.regions[0].name`, `(top level)` for the input itself. Problems are `path: message` lines
// and name the bad value (`got -1`).

export type PathPart = string | number | symbol;

export const TOP_LEVEL = '(top level)';

/**
 * `['regions', 0, 'name']` → `regions[0].name`; a digit-only string segment is an index too. A key
 * that is not a plain name (empty, spaces, `:`) is quoted, `variants[" x"]`, so every path reads
 * as one token before the `: ` of its problem.
 */
export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number' || (typeof p === 'string' && /^\d{1,15}$/.test(p))) out += `[${String(p)}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][\w$.+-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/** `path: message`, the top level named as such; one line, whatever the message quotes. */
export function problemAt(parts: readonly PathPart[], message: string): string {
  return `${formatPath(parts) || TOP_LEVEL}: ${oneLine(message)}`;
}

/** Control characters (a newline inside a quoted value) written as escapes: a problem is one line. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** `regions[0].name: msg` from another validator, under `prefix` (`topology`): `topology.regions[0].name: msg`. */
export function prefixProblem(prefix: readonly PathPart[], problem: string): string {
  if (problem.startsWith(`${TOP_LEVEL}: `)) return problemAt(prefix, problem.slice(TOP_LEVEL.length + 2));
  // A path as formatPath writes it: names, [n] and ["quoted key"] (which may hold spaces and colons).
  const m = /^((?:[^\s:[\]"]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])+): ([\s\S]*)$/.exec(problem);
  if (!m) return problemAt(prefix, problem);
  const head = formatPath(prefix);
  const tail = m[1]!;
  return `${head === '' ? tail : tail.startsWith('[') ? `${head}${tail}` : `${head}.${tail}`}: ${oneLine(m[2]!)}`;
}

/** A value as a problem quotes it: JSON, cut short; `nothing` for a missing one. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = Object.prototype.toString.call(v);
  }
  // Cut between code points, not UTF-16 units: half a surrogate pair is not text (gRPC's status
  // encoding throws on it, and the call never answered; the fuzzer found it).
  const points = Array.from(s);
  return points.length > 80 ? `${points.slice(0, 80).join('')}…` : s;
}

/** The value at `path` inside `input` (undefined when the path leaves it). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** The parts of a zod issue these functions read (zod stays out of core). */
export interface SchemaIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  keys?: readonly string[];
}

/**
 * Every issue of a failed schema parse as `path: message, got <value>`, under `prefix`; `input` is
 * what was parsed (the bad value is read from it). Unknown keys are named, one problem each.
 */
export function schemaProblems(prefix: readonly PathPart[], issues: readonly SchemaIssue[], input: unknown): string[] {
  return issues.flatMap((i) => {
    const at = [...prefix, ...(i.path as PathPart[])];
    if (i.code === 'unrecognized_keys' && i.keys) return i.keys.map((k) => problemAt([...at, k], 'unknown key'));
    // zod says `expected number, received string`: the value itself says more.
    const message = i.message.replace(/^Invalid input: /, '').replace(/, received \w+$/, '');
    const got = valueAt(input, i.path);
    const named = /\bgot\b/.test(message) || (typeof got === 'string' && message.includes(JSON.stringify(got)));
    return [problemAt(at, named ? message : `${message}, got ${showValue(got)}`)];
  });
}
