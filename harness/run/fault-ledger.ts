// The faults a run has in place, each with its id (`f1`, `f2`, ...): applied and reverted through
// here so that every `fault` record carries the id and the played step's index, and so that
// teardown can revert whatever is still applied, on every path out.
import type { AppliedFault, FaultContext } from '../../chaos/fault.ts';
import { applyFault, type TypedFault } from '../../chaos/faults/registry.ts';
import type { TimelineSink } from '../timeline/writer.ts';

export interface LedgerEntry {
  id: string;
  step: number;
  fault: TypedFault;
  applied: AppliedFault;
}

export class FaultLedger {
  readonly #open = new Map<string, LedgerEntry>();
  #next = 1;

  /** `idPrefix` keeps ids unique when several ledgers write one timeline (a rollout's stages). */
  constructor(private readonly ctx: FaultContext, private readonly sink: TimelineSink, private readonly opts: { idPrefix?: string } = {}) {}

  /**
   * `applied` is recorded once apply() returns, with what it hit. `from: 'start'` records it before
   * apply() runs, with the servers the fault names (and `attributes` added to the record): for a move
   * of servers whose whole duration is the fault (a rollout's upgrade batch), so the window covers
   * the restarts and not only what follows.
   */
  async apply(fault: TypedFault, step: number, opts: { from?: 'start'; attributes?: Record<string, unknown> } = {}): Promise<LedgerEntry> {
    const id = `${this.opts.idPrefix ?? ''}f${this.#next++}`;
    if (opts.from === 'start') return this.applyFromStart(id, fault, step, opts.attributes ?? {});
    const applied = await applyFault(this.ctx, fault);
    const entry = { id, step, fault, applied };
    this.#open.set(id, entry);
    this.sink.append({
      t: Date.now(), kind: 'fault', id, step, fault: fault.type, phase: 'applied', targets: applied.targets,
      attributes: { ...fault.attributes, ...applied.attributes },
    });
    return entry;
  }

  private async applyFromStart(id: string, fault: TypedFault, step: number, extra: Record<string, unknown>): Promise<LedgerEntry> {
    const named = (fault.attributes as { servers?: string[] }).servers;
    if (!named?.length) throw new Error(`fault ${fault.type} ${id}: recording from its start needs the servers it names`);
    this.sink.append({ t: Date.now(), kind: 'fault', id, step, fault: fault.type, phase: 'applied', targets: [...named], attributes: { ...fault.attributes, ...extra } });
    // Open before apply() runs: a revertAll() during the move still closes the window.
    const entry: LedgerEntry = { id, step, fault, applied: { targets: [...named], revert: async () => {} } };
    this.#open.set(id, entry);
    entry.applied = await applyFault(this.ctx, fault);
    return entry;
  }

  async revert(entry: LedgerEntry): Promise<void> {
    if (!this.#open.has(entry.id)) return;
    await entry.applied.revert();
    this.#open.delete(entry.id);
    const outcome = entry.applied.outcome?.();
    this.sink.append({ t: Date.now(), kind: 'fault', id: entry.id, step: entry.step, fault: entry.fault.type, phase: 'reverted', targets: entry.applied.targets, ...(outcome ? { attributes: outcome } : {}) });
  }

  /** Ids still applied, oldest first. */
  openIds(): string[] {
    return [...this.#open.keys()];
  }

  /** Revert everything still applied, newest first; every revert is tried. */
  async revertAll(): Promise<void> {
    const failed: string[] = [];
    for (const e of [...this.#open.values()].reverse()) {
      await this.revert(e).catch((err: Error) => failed.push(`${e.id} (${e.fault.type}): ${err.message}`));
    }
    if (failed.length) throw new Error(`could not revert ${failed.join('; ')}`);
  }
}
