// Read a playbook file: YAML, or JSON (YAML 1.2's JSON schema). A syntax error names the file, the
// line and the column.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { BadInputError } from '../../../core/errors.ts';

export function parsePlaybookText(text: string, file: string): unknown {
  const json = file.endsWith('.json');
  const doc = parseDocument(text, { schema: json ? 'json' : 'core', prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
      return `${where}: ${e.message.split('\n')[0]}`;
    });
    const first = doc.errors[0]!.linePos?.[0];
    throw new BadInputError(`playbook ${file}: ${json ? 'JSON' : 'YAML'} syntax error${first ? ` at line ${first.line}, column ${first.col}` : ''}`, { problems });
  }
  return doc.toJS();
}

export function readPlaybookFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read playbook ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err, problems: [`${file}: a readable YAML or JSON file`] });
  }
  return parsePlaybookText(text, file);
}
