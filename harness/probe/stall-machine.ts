// One probe subscriber's stall state machine. A subscriber that hears nothing for `stallAfterMs` is
// stalled: it resubscribes at once (the cheapest repair, and what fixes a subscription lost on a
// reconnect); still nothing `stallAfterMs` later, it drops the connection and dials afresh; the
// first message after that is `resumed`. Pure: events in, the next state and effects out; the
// probe performs the effects in order.

export type StallPhase = 'ok' | 'stalled' | 'resubscribed' | 'reconnected';

export interface StallState {
  phase: StallPhase;
  /** When the last message arrived (ms epoch); the probe's start before the first. */
  lastMessageAt: number;
  /** When the last repair (resubscribe or reconnect) was done. */
  actionAt: number;
  /** A reconnect is under way: no decision until it reports back. */
  busy: boolean;
}

export type StallEvent =
  | { kind: 'message'; t: number }
  | { kind: 'tick'; t: number }
  | { kind: 'reconnected'; t: number; error?: string };

/** A `probe-stall` record to write, or a repair to perform. */
export type StallEffect =
  | { kind: 'record'; phase: 'stalled' | 'resubscribed' | 'reconnected' | 'resumed'; t: number; lastMessageAt: number; stalledMs?: number; error?: string }
  | { kind: 'mark-stalled' }
  | { kind: 'resubscribe' }
  | { kind: 'reconnect' };

export const initialStall = (start: number): StallState => ({ phase: 'ok', lastMessageAt: start, actionAt: 0, busy: false });

export function stallStep(s: StallState, ev: StallEvent, stallAfterMs: number): { state: StallState; effects: StallEffect[] } {
  switch (ev.kind) {
    case 'message': {
      const effects: StallEffect[] = s.phase === 'ok' ? [] : [{ kind: 'record', phase: 'resumed', t: ev.t, lastMessageAt: s.lastMessageAt, stalledMs: ev.t - s.lastMessageAt }];
      return { state: { ...s, phase: 'ok', lastMessageAt: ev.t }, effects };
    }
    case 'reconnected': {
      const rec: StallEffect = { kind: 'record', phase: 'reconnected', t: ev.t, lastMessageAt: s.lastMessageAt, ...(ev.error ? { error: ev.error } : {}) };
      return { state: { ...s, phase: 'reconnected', actionAt: ev.t, busy: false }, effects: [rec] };
    }
    case 'tick':
      return tick(s, ev.t, stallAfterMs);
  }
}

function tick(s: StallState, t: number, stallAfterMs: number): { state: StallState; effects: StallEffect[] } {
  if (s.busy || !isStalled(t, s.lastMessageAt, stallAfterMs)) return { state: s, effects: [] };
  if (s.phase === 'ok') {
    return {
      state: { ...s, phase: 'resubscribed', actionAt: t },
      effects: [
        { kind: 'mark-stalled' },
        { kind: 'record', phase: 'stalled', t, lastMessageAt: s.lastMessageAt },
        { kind: 'resubscribe' },
        { kind: 'record', phase: 'resubscribed', t, lastMessageAt: s.lastMessageAt },
      ],
    };
  }
  if (t - s.actionAt > stallAfterMs) return { state: { ...s, busy: true }, effects: [{ kind: 'mark-stalled' }, { kind: 'reconnect' }] };
  return { state: s, effects: [{ kind: 'mark-stalled' }] };
}

/** Stall decision for one subscriber: nothing for longer than `stallAfterMs`. */
export function isStalled(now: number, lastMessageAt: number, stallAfterMs: number): boolean {
  return now - lastMessageAt > stallAfterMs;
}
