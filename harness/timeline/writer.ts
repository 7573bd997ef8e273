// Appends timeline records to a run's `timeline.ndjson`, one JSON object per line, and hands each
// record to in-process listeners (metrics, summaries) so nobody has to re-read the file mid-run.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../../core/errors.ts';
import { RUNS_DIR } from '../../core/layout.ts';
import type { TimelineRecord } from './records.ts';

/** Where a run's timeline lives: `runs/<runId>/timeline.ndjson`. */
export function runTimelinePath(runId: string, runsDir = RUNS_DIR): string {
  return path.join(runsDir, runId, 'timeline.ndjson');
}

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

  constructor(file: string) {
    this.file = file;
    mkdirSync(path.dirname(file), { recursive: true });
    this.#stream = createWriteStream(file, { flags: 'a' });
    this.#stream.on('error', (err) => { this.#error = err; });
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

/** A sink that keeps records in memory: for tests and for summaries over a short run. */
export class MemoryTimeline implements TimelineSink {
  readonly records: TimelineRecord[] = [];
  append(record: TimelineRecord): void { this.records.push(record); }
}

/** Send every record to several sinks. */
export function teeSink(...sinks: TimelineSink[]): TimelineSink {
  return { append: (r) => { for (const s of sinks) s.append(r); } };
}
