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

  async apply(fault: TypedFault, step: number): Promise<LedgerEntry> {
    const id = `${this.opts.idPrefix ?? ''}f${this.#next++}`;
    const applied = await applyFault(this.ctx, fault);
    const entry = { id, step, fault, applied };
    this.#open.set(id, entry);
    this.sink.append({
      t: Date.now(), kind: 'fault', id, step, fault: fault.type, phase: 'applied', targets: applied.targets,
      attributes: { ...fault.attributes, ...applied.attributes },
    });
    return entry;
  }

  async revert(entry: LedgerEntry): Promise<void> {
    if (!this.#open.has(entry.id)) return;
    await entry.applied.revert();
    this.#open.delete(entry.id);
    this.sink.append({ t: Date.now(), kind: 'fault', id: entry.id, step: entry.step, fault: entry.fault.type, phase: 'reverted', targets: entry.applied.targets });
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
