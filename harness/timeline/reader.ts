// Reads a `timeline.ndjson` back into typed records. Every bad line is reported at once, with its
// line number and the schema's complaint, so a damaged timeline is diagnosed in one go.
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../core/errors.ts';
import { timelineRecord, type TimelineRecord } from './records.ts';

export interface ParsedTimeline {
  records: TimelineRecord[];
  /** One entry per bad line: `line 12: <problem>`. */
  problems: string[];
}

/** Parse NDJSON text; blank lines are skipped, a trailing partial line (a crashed writer) is a problem. */
export function parseTimeline(text: string): ParsedTimeline {
  const records: TimelineRecord[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      problems.push(`line ${i + 1}: not JSON (${(err as Error).message})`);
      return;
    }
    const parsed = timelineRecord.safeParse(json);
    if (parsed.success) records.push(parsed.data);
    else problems.push(`line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'kind'}: ${x.message}`).join('; ')}`);
  });
  return { records, problems };
}

/** Read a timeline file; throws BadInputError listing every bad line unless `lenient`. */
export async function readTimeline(file: string, opts: { lenient?: boolean } = {}): Promise<TimelineRecord[]> {
  const { records, problems } = parseTimeline(await readFile(file, 'utf8'));
  if (problems.length > 0 && !opts.lenient) {
    throw new BadInputError(`${file}: ${problems.length} bad timeline line(s)`, { problems });
  }
  return records;
}
