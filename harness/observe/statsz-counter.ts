// Counts STATSZ messages as they arrive: per sending server ID per wall-clock second, and bursts
// (several messages from one ID within 100 ms: the storm signature). Pure: time is passed in.
import type { StatszBurstRecord, StatszRecord } from '../timeline/records.ts';
import { peakInWindow } from '../timeline/statsz-times.ts';

export interface StatszMessage {
  /** Receive time, ms epoch. */
  t: number;
  serverId: string;
  serverName: string;
  bytes: number;
  /** What the message says of membership, when its body parsed. */
  content?: { routePeers: string[]; routes: number; activeServers: number };
}

export interface StatszCounterOptions {
  observedOn: string;
  /** Burst window (ms); the design's signature is 100 ms. */
  windowMs?: number;
  /** Messages within one window that make a burst; "several" = 3. */
  minMsgs?: number;
}

interface Bucket { second: number; serverId: string; serverName: string; msgs: number; bytes: number; offsetsMs: number[] }
interface Run { serverName: string; times: number[]; bytes: number }

export class StatszCounter {
  readonly windowMs: number;
  readonly minMsgs: number;
  readonly observedOn: string;
  #buckets = new Map<string, Bucket>();
  #runs = new Map<string, Run>();
  #totalMsgs = 0;
  #totalBytes = 0;

  constructor(opts: StatszCounterOptions) {
    this.observedOn = opts.observedOn;
    this.windowMs = opts.windowMs ?? 100;
    this.minMsgs = opts.minMsgs ?? 3;
  }

  /** Running totals over every message added (for the cross-check). */
  get totals(): { msgs: number; bytes: number } { return { msgs: this.#totalMsgs, bytes: this.#totalBytes }; }

  /** Add one message; returns a burst record if this message ended the previous run of its ID. */
  add(m: StatszMessage): StatszBurstRecord[] {
    this.#totalMsgs += 1;
    this.#totalBytes += m.bytes;
    const second = Math.floor(m.t / 1000) * 1000;
    const bkey = `${second}:${m.serverId}`;
    const b = this.#buckets.get(bkey) ?? { second, serverId: m.serverId, serverName: m.serverName, msgs: 0, bytes: 0, offsetsMs: [] };
    b.msgs += 1;
    b.offsetsMs.push(m.t - second);
    b.bytes += m.bytes;
    this.#buckets.set(bkey, b);

    const out: StatszBurstRecord[] = [];
    const run = this.#runs.get(m.serverId);
    if (run && m.t - run.times[run.times.length - 1]! <= this.windowMs) {
      run.times.push(m.t);
      run.bytes += m.bytes;
    } else {
      if (run) out.push(...this.#close(m.serverId, run, m.t));
      this.#runs.set(m.serverId, { serverName: m.serverName, times: [m.t], bytes: m.bytes });
    }
    return out;
  }

  /**
   * Records for every second that ended before `now - graceMs`, and bursts whose run has been
   * quiet for longer than the window. `final` flushes everything.
   */
  flush(now: number, opts: { graceMs?: number; final?: boolean } = {}): { statsz: StatszRecord[]; bursts: StatszBurstRecord[] } {
    const grace = opts.graceMs ?? 250;
    const statsz: StatszRecord[] = [];
    for (const [key, b] of this.#buckets) {
      if (!opts.final && b.second + 1000 > now - grace) continue;
      this.#buckets.delete(key);
      statsz.push({ t: now, kind: 'statsz', second: b.second, serverId: b.serverId, serverName: b.serverName, msgs: b.msgs, bytes: b.bytes, offsetsMs: b.offsetsMs, observedOn: this.observedOn });
    }
    statsz.sort((x, y) => x.second - y.second || x.serverName.localeCompare(y.serverName) || x.serverId.localeCompare(y.serverId));
    const bursts: StatszBurstRecord[] = [];
    for (const [id, run] of this.#runs) {
      if (!opts.final && now - run.times[run.times.length - 1]! <= this.windowMs) continue;
      this.#runs.delete(id);
      bursts.push(...this.#close(id, run, now));
    }
    return { statsz, bursts };
  }

  #close(serverId: string, run: Run, now: number): StatszBurstRecord[] {
    const peak = peakInWindow(run.times, this.windowMs);
    if (peak < this.minMsgs) return [];
    return [{
      t: now, kind: 'statsz-burst', serverId, serverName: run.serverName, msgs: run.times.length, peak, bytes: run.bytes,
      first: run.times[0]!, last: run.times[run.times.length - 1]!, windowMs: this.windowMs, minMsgs: this.minMsgs, observedOn: this.observedOn,
    }];
  }
}
