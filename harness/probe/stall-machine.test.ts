import assert from 'node:assert/strict';
import { initialStall, isStalled, stallStep, type StallEffect, type StallEvent, type StallState } from './stall-machine.ts';

const STALL = 1000;
const fmt = (e: StallEffect): string => (e.kind === 'record'
  ? `${e.phase}@${e.t}${e.stalledMs !== undefined ? ` ${e.stalledMs}ms` : ''}${e.error ? ` (${e.error})` : ''}`
  : e.kind);

/** Events as `m<t>` (message), `t<t>` (tick), `r<t>` (reconnect done), `x<t>` (reconnect failed). */
function play(events: string): { effects: string[]; state: StallState } {
  let state = initialStall(0);
  const effects: string[] = [];
  for (const e of events.split(' ')) {
    const t = Number(e.slice(1));
    const ev: StallEvent = e[0] === 'm' ? { kind: 'message', t } : e[0] === 't' ? { kind: 'tick', t }
      : { kind: 'reconnected', t, ...(e[0] === 'x' ? { error: 'refused' } : {}) };
    const r = stallStep(state, ev, STALL);
    state = r.state;
    effects.push(...r.effects.map(fmt));
  }
  return { effects, state };
}

describe('probe stall machine', () => {
  const cases: { name: string; events: string; effects: string[]; phase: string }[] = [
    { name: 'messages keep it ok; a quiet tick under the bound does nothing', events: 'm100 m200 t1100 m1150', effects: [], phase: 'ok' },
    { name: 'quiet past the bound: stalled, resubscribed at once', events: 'm100 t1101', effects: ['mark-stalled', 'stalled@1101', 'resubscribe', 'resubscribed@1101'], phase: 'resubscribed' },
    { name: 'a message after the resubscribe: resumed, with how long it was stalled', events: 'm100 t1101 m1500', effects: ['mark-stalled', 'stalled@1101', 'resubscribe', 'resubscribed@1101', 'resumed@1500 1400ms'], phase: 'ok' },
    {
      name: 'still quiet a bound after the resubscribe: reconnect, then resumed',
      events: 'm100 t1101 t1600 t2102 t2300 r2400 m2500',
      effects: ['mark-stalled', 'stalled@1101', 'resubscribe', 'resubscribed@1101', 'mark-stalled', 'mark-stalled', 'reconnect', 'reconnected@2400', 'resumed@2500 2400ms'],
      phase: 'ok',
    },
    {
      name: 'no decision while a reconnect is under way; a failed one is retried a bound later',
      events: 'm100 t1101 t2102 t2200 t3000 x3100 t3500 t4101',
      effects: ['mark-stalled', 'stalled@1101', 'resubscribe', 'resubscribed@1101', 'mark-stalled', 'reconnect', 'reconnected@3100 (refused)', 'mark-stalled', 'mark-stalled', 'reconnect'],
      phase: 'reconnected',
    },
    { name: 'never a message: stalled counted from the start', events: 't1001', effects: ['mark-stalled', 'stalled@1001', 'resubscribe', 'resubscribed@1001'], phase: 'resubscribed' },
  ];
  for (const c of cases) {
    it(`probe stall machine - ${c.name}`, () => {
      const r = play(c.events);
      assert.deepEqual(r.effects, c.effects);
      assert.equal(r.state.phase, c.phase);
    });
  }

  const stalls: [number, number, number, boolean][] = [[1000, 900, 1000, false], [2001, 1000, 1000, true], [2000, 1000, 1000, false]];
  for (const [now, last, bound, want] of stalls) {
    it(`probe stall machine - ${now - last} ms quiet with a ${bound} ms bound is ${want ? '' : 'not '}a stall`, () => assert.equal(isStalled(now, last, bound), want));
  }
});
