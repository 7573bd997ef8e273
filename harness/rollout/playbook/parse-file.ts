// Read a playbook file: YAML, or JSON (YAML 1.2's JSON schema). A syntax error names the file, the
// line and the column. Bounded before parsing: a size limit on the text, a limit on YAML aliases.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { BadInputError } from '../../../core/errors.ts';

/**
 * The largest playbook accepted, in bytes. The CLI sends the playbook's text to the controller in
 * one gRPC message, and gRPC refuses a message over 4 MiB by default (RESOURCE_EXHAUSTED); real
 * playbooks are a few KB, so 1 MiB leaves room for everything else in the request.
 */
export const PLAYBOOK_MAX_BYTES = 1024 * 1024;

/**
 * The yaml library's bound on alias expansion (its default, named here so the message can say it):
 * each `*a` is weighed by the aliases inside what `&a` names, so a "billion laughs" document is
 * refused before it expands.
 */
const MAX_ALIAS_COUNT = 100;

function sizeProblem(file: string, bytes: number): BadInputError {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return new BadInputError(`playbook ${file} is too large: ${bytes} bytes (${mib(bytes)}), the limit is ${PLAYBOOK_MAX_BYTES} bytes (${mib(PLAYBOOK_MAX_BYTES)})`, {
    problems: [`${file}: ${bytes} bytes; allowed at most ${PLAYBOOK_MAX_BYTES}`],
    hint: 'a playbook is a few KB: stages, gates and faults, not data',
  });
}

export function parsePlaybookText(text: string, file: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > PLAYBOOK_MAX_BYTES) throw sizeProblem(file, bytes);
  const json = file.endsWith('.json');
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { schema: json ? 'json' : 'core', prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    // Nesting deep enough to exhaust the parser's stack (RangeError) is bad input, not a harness bug.
    throw new BadInputError(`playbook ${file}: cannot be parsed (${(err as Error).message})`, { cause: err, problems: [`${file}: ${(err as Error).message}`] });
  }
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      return `${where}: ${e.message.split('\n')[0]}`;
    });
    const first = doc.errors[0]!.linePos?.[0];
    throw new BadInputError(`playbook ${file}: ${json ? 'JSON' : 'YAML'} syntax error${first ? ` at line ${first.line}, column ${first.col}` : ''}`, { problems });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // The yaml library refuses an alias bomb with a ReferenceError ("Excessive alias count ...").
    const message = (err as Error).message;
    const bomb = /alias/i.test(message);
    throw new BadInputError(`playbook ${file}: ${bomb ? `its aliases expand to more than ${MAX_ALIAS_COUNT} nodes` : `cannot be read (${message})`}`, {
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

export function readPlaybookFile(file: string): unknown {
  let text: string;
  try {
    // Checked before reading: a huge file is refused without holding it in memory.
    const { size } = statSync(file);
    if (size > PLAYBOOK_MAX_BYTES) throw sizeProblem(file, size);
    text = readAtMost(file, PLAYBOOK_MAX_BYTES + 1).toString('utf8');
  } catch (err) {
    if (err instanceof BadInputError) throw err;
    throw new BadInputError(`cannot read playbook ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, problems: [`${file}: a readable YAML or JSON file`] });
  }
  return parsePlaybookText(text, file);
}
