// Appends timeline records to a run's `timeline.ndjson`, one JSON object per line, and hands each
// record to in-process listeners (metrics, summaries) so nobody has to re-read the file mid-run.
// A writer that reopens a timeline a crashed writer left with a torn last line cuts that line off
// first (else its first record would be glued onto it and lost too) and says what it dropped.
import { closeSync, createWriteStream, fstatSync, ftruncateSync, fsyncSync, mkdirSync, openSync, readSync, writeSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../../core/errors.ts';
import type { TimelineRecord } from './records.ts';

export type TimelineListener = (record: TimelineRecord) => void;

/** Where records go. The observer, probe and chaos runner take one of these. */
export interface TimelineSink {
  append(record: TimelineRecord): void;
}

export class TimelineWriter implements TimelineSink {
  readonly file: string;
  #stream: WriteStream;
  #listeners = new Set<TimelineListener>();
  #closed = false;
  #error: Error | undefined;
  #count = 0;

  /** What this writer cut off the file when it opened it (a torn last line), else undefined. */
  readonly dropped: TornTail | undefined;

  constructor(file: string) {
    this.file = file;
    mkdirSync(path.dirname(file), { recursive: true });
    this.dropped = cutTornTail(file);
    this.#stream = createWriteStream(file, { flags: 'a' });
    this.#stream.on('error', (err) => { this.#error = err; });
    // Said in the timeline itself, so whoever reads it later knows a record was lost there.
    if (this.dropped) {
      this.#stream.write(`${JSON.stringify({ t: Date.now(), kind: 'note', level: 'warn', source: 'timeline', text: describeTornTail(this.dropped) } satisfies TimelineRecord)}\n`);
    }
  }

  /** Records appended so far by this writer. */
  get count(): number { return this.#count; }

  append(record: TimelineRecord): void {
    if (this.#closed) throw new HarnessError(`timeline ${this.file} is closed; cannot append a ${record.kind} record`);
    if (this.#error) throw new HarnessError(`timeline ${this.file} failed: ${this.#error.message}`, { cause: this.#error });
    this.#stream.write(`${JSON.stringify(record)}\n`);
    this.#count += 1;
    for (const l of this.#listeners) l(record);
  }

  /** Call `listener` for every record appended from now on; returns the unsubscribe function. */
  subscribe(listener: TimelineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Flush and close the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await new Promise<void>((resolve, reject) => {
      this.#stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.#error) throw new HarnessError(`timeline ${this.file} failed: ${this.#error.message}`, { cause: this.#error });
  }
}

/** The unterminated end of a timeline: where it starts and what it held. */
export interface TornTail {
  offset: number;
  bytes: number;
  /** The start of the dropped text, for the report. */
  text: string;
}

export function describeTornTail(t: TornTail): string {
  return `dropped a torn last line at byte ${t.offset} (${t.bytes} bytes, left by a writer that stopped mid-record): ${JSON.stringify(t.text)}`;
}

/** Truncate `file` after its last newline when it does not end in one; returns what was cut. */
export function cutTornTail(file: string): TornTail | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HarnessError(`timeline ${file} cannot be opened: ${(err as Error).message}`, { cause: err });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return undefined;
    // Read backwards in chunks for the last newline; a torn record is one line, so this stays short.
    let end = size;
    let offset = 0;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const i = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (i >= 0) {
        offset = start + i + 1;
        break;
      }
      end = start;
    }
    const tail = Buffer.alloc(size - offset);
    readSync(fd, tail, 0, tail.length, offset);
    if (isWholeJson(tail.toString('utf8'))) {
      // A whole record that lost only its newline: terminate it, keep it.
      writeSync(fd, '\n', size);
      fsyncSync(fd);
      return undefined;
    }
    ftruncateSync(fd, offset);
    fsyncSync(fd);
    return { offset, bytes: size - offset, text: tail.subarray(0, 120).toString('utf8') };
  } finally {
    closeSync(fd);
  }
}

function isWholeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A sink that keeps records in memory: for tests and for summaries over a short run. */
export class MemoryTimeline implements TimelineSink {
  readonly records: TimelineRecord[] = [];
  append(record: TimelineRecord): void { this.records.push(record); }
}

/** Send every record to several sinks. */
export function teeSink(...sinks: TimelineSink[]): TimelineSink {
  return { append: (r) => { for (const s of sinks) s.append(r); } };
}
