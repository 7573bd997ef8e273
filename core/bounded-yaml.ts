// Read a small YAML or JSON input file (a playbook, a cluster file): YAML, or JSON (YAML 1.2's JSON
// schema) when the name ends in .json. A syntax error names the file, the line and the column.
// Bounded before parsing: a size limit on the text, a nesting limit, a limit on YAML aliases.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { BadInputError } from './errors.ts';

/** What is read, for messages: `playbook`, `cluster file`; its size limit and what it holds (the size hint). */
export interface InputKind {
  what: string;
  maxBytes: number;
  /** One line after a size refusal, e.g. `a playbook is a few KB: stages, gates and faults, not data`. */
  sizeHint: string;
}

/**
 * The yaml library's bound on alias expansion (its default, named here so the message can say it):
 * each `*a` is weighed by the aliases inside what `&a` names, so a "billion laughs" document is
 * refused before it expands.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * How deep `[` and `{` may nest. The yaml library recurses per level: at about 800 it overflows its
 * stack (an error it reports), and half a million levels in a 1 MiB text ran the process out of
 * memory (measured). A playbook or a cluster file nests a few levels.
 */
export const INPUT_MAX_FLOW_DEPTH = 100;

/**
 * The line where flow collections first nest deeper than the limit, or undefined. A cheap scan:
 * quoted scalars and comments are skipped, so brackets inside them do not count.
 */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let line = 1;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    const prev = i === 0 ? '\n' : text[i - 1]!;
    // A quote opens a scalar only where one may start (after a space, a separator, or a line start).
    if ((c === '"' || c === "'") && /[\s:,[{-]/.test(prev)) quote = c;
    else if (c === '#' && /\s/.test(prev)) while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    else if (c === '[' || c === '{') {
      if (++depth > INPUT_MAX_FLOW_DEPTH) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** The file as a problem line starts with it: quoted when it holds spaces (or is empty), so the path reads as one token. */
export function label(file: string): string {
  return /^[^\s"]+$/.test(file) ? file : JSON.stringify(file);
}

function sizeProblem(kind: InputKind, file: string, bytes: number): BadInputError {
  const human = (n: number) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`);
  return new BadInputError(`${kind.what} ${file} is too large: ${bytes} bytes (${human(bytes)}), the limit is ${kind.maxBytes} bytes (${human(kind.maxBytes)})`, {
    problems: [`${file}: ${bytes} bytes; allowed at most ${kind.maxBytes}`],
    hint: kind.sizeHint,
  });
}

/** The text of a file called `source` as data, or a BadInputError naming the file (and line) of every problem. */
export function parseInputText(kind: InputKind, text: string, source: string): unknown {
  const file = label(source);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > kind.maxBytes) throw sizeProblem(kind, file, bytes);
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    throw new BadInputError(`${kind.what} ${file}: [ ] and { } nest deeper than ${INPUT_MAX_FLOW_DEPTH} levels (line ${deep})`, {
      problems: [`${file}:${deep}: nested more than ${INPUT_MAX_FLOW_DEPTH} levels deep; allowed: at most ${INPUT_MAX_FLOW_DEPTH}`],
    });
  }
  const json = source.endsWith('.json');
  let doc: ReturnType<typeof parseDocument>;
  try {
    // logLevel error: the library's warnings (a collection as a key) would reach the terminal beside our own message.
    doc = parseDocument(text, { schema: json ? 'json' : 'core', prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  } catch (err) {
    // Nesting deep enough to exhaust the parser's stack (RangeError) is bad input, not a harness bug.
    throw new BadInputError(`${kind.what} ${file}: cannot be parsed (${(err as Error).message})`, { cause: err, problems: [`${file}: ${(err as Error).message}`] });
  }
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      return `${where}: ${e.message.split('\n')[0]}`;
    });
    const first = doc.errors[0]!.linePos?.[0];
    throw new BadInputError(`${kind.what} ${file}: ${json ? 'JSON' : 'YAML'} syntax error${first ? ` at line ${first.line}, column ${first.col}` : ''}`, { problems });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library refuses an alias bomb with a ReferenceError ("Excessive alias count ...").
    const message = (err as Error).message;
    const bomb = /alias/i.test(message);
    throw new BadInputError(`${kind.what} ${file}: ${bomb ? `its aliases expand to more than ${MAX_ALIAS_COUNT} nodes` : `cannot be read (${message})`}`, {
      cause: err, problems: [`${file}: ${message}${bomb ? `; allowed: aliases standing for at most ${MAX_ALIAS_COUNT} nodes in all` : ''}`],
    });
  }
}

/** At most `max` bytes of `file`: a device or a file that grows after stat cannot make us read forever. */
function readAtMost(file: string, max: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(max);
    let n = 0;
    for (let got = -1; got !== 0 && n < max; n += got) got = readSync(fd, buf, n, max - n, null);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Read and parse `file` within the kind's limits. */
export function readInputFile(kind: InputKind, file: string): unknown {
  let text: string;
  try {
    // Checked before reading: a huge file is refused without holding it in memory.
    const { size } = statSync(file);
    if (size > kind.maxBytes) throw sizeProblem(kind, label(file), size);
    text = readAtMost(file, kind.maxBytes + 1).toString('utf8');
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    throw new BadInputError(`cannot read ${kind.what} ${label(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, problems: [`${label(file)}: a readable YAML or JSON file`] });
  }
  return parseInputText(kind, text, file);
}
