// Reads a `timeline.ndjson` back into typed records. Every bad line is reported at once, with its
// line number and the schema's complaint, so a damaged timeline is diagnosed in one go.
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../core/errors.ts';
import { timelineRecord, type TimelineRecord } from './records.ts';

export interface ParsedTimeline {
  records: TimelineRecord[];
  /** One entry per bad line: `line 12: <problem>`. */
  problems: string[];
  /**
   * A last line without its newline that is not a whole record: what a writer killed mid-record
   * leaves. Dropped and said here, not a problem: every whole record before it is kept.
   */
  dropped?: string;
}

/** Parse NDJSON text; blank lines are skipped, a torn last line (a crashed writer) is dropped and reported. */
export function parseTimeline(text: string): ParsedTimeline {
  const records: TimelineRecord[] = [];
  const problems: string[] = [];
  let dropped: string | undefined;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    // Only the very last line can be torn: it has no newline after it.
    if (i === lines.length - 1 && !isJson(line)) {
      dropped = `line ${i + 1}: dropped a torn last line (${Buffer.byteLength(line)} bytes, no newline, not a whole record): ${JSON.stringify(line.slice(0, 120))}`;
      return;
    }
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
  return { records, problems, ...(dropped ? { dropped } : {}) };
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Read a timeline file; throws BadInputError listing every bad line unless `lenient`. A torn last
 * line is not a bad line: it is dropped and told to `onDropped`.
 */
export async function readTimeline(file: string, opts: { lenient?: boolean; onDropped?: (what: string) => void } = {}): Promise<TimelineRecord[]> {
  const { records, problems, dropped } = parseTimeline(await readFile(file, 'utf8'));
  if (dropped) opts.onDropped?.(`${file}: ${dropped}`);
  if (problems.length > 0 && !opts.lenient) {
    throw new BadInputError(`${file}: ${problems.length} bad timeline line(s)`, { problems });
  }
  return records;
}
