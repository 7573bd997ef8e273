// Where rollouts live: runs/<id>/rollout.json, written whole, atomically and durably (a temp file of
// this writer's own, fsynced, renamed, the folder fsynced: core/atomic-file.ts), so a controller
// killed mid-write or a power cut leaves the previous state, never half of one. A reader checks the
// file against the schema (state-schema.ts); one that fails is damaged, named with its path.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-file.ts';
import { HarnessError } from '../../../core/errors.ts';
import { RUNS_DIR } from '../../../core/layout.ts';
import { checkRunId, runIdProblem } from '../../../core/run-id.ts';
import { parseRolloutState } from './state-schema.ts';
import type { DamagedRollout, RolloutState } from '../../rollout-model/index.ts';
import { DamagedRolloutError, RolloutNotFoundError } from './rollout-service.ts';

export const ROLLOUT_FILE = 'rollout.json';

export function newRolloutId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-rollout-${name}`;
}

export class RolloutStore {
  constructor(readonly runsDir: string = RUNS_DIR) {}

  /** The folder of rollout `id`; an id that could leave runs/ is bad input naming `where`. */
  dirOf(id: string, where = 'id'): string {
    return path.join(this.runsDir, checkRunId(id, where));
  }

  fileOf(id: string, where = 'id'): string {
    return path.join(this.dirOf(id, where), ROLLOUT_FILE);
  }

  /** A fresh run folder for a new rollout (a suffix when two start in the same second). */
  create(name: string): { id: string; runDir: string } {
    const base = newRolloutId(name);
    for (let i = 1; i < 100; i++) {
      const id = i === 1 ? base : `${base}-${i}`;
      const runDir = this.dirOf(id, 'playbook name');
      if (existsSync(runDir)) continue;
      mkdirSync(runDir, { recursive: true });
      return { id, runDir };
    }
    throw new HarnessError(`could not make a run folder for ${base} in ${this.runsDir}`);
  }

  save(state: RolloutState): void {
    writeFileAtomic(path.join(state.runDir, ROLLOUT_FILE), JSON.stringify(state, null, 2) + '\n');
  }

  /** The rollout's state; RolloutNotFoundError when there is none, DamagedRolloutError (exit 3, naming the file) when it is not one. */
  load(id: string): RolloutState {
    const file = this.fileOf(id);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RolloutNotFoundError(`no rollout "${id}"`, { problems: [`id: one of ${this.ids().slice(-10).join(', ') || '(none)'}`] });
      }
      throw new DamagedRolloutError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
    const r = parseRolloutState(text);
    if (!r.ok) throw damaged(file, r.problems);
    if (r.state.id !== id) throw damaged(file, [`id: "${r.state.id}", but the file is in runs/${id}/`]);
    return r.state;
  }

  /** Rollout ids (folders holding a rollout.json, named like a run id), oldest first: ids start with their creation time. */
  ids(): string[] {
    if (!existsSync(this.runsDir)) return [];
    return readdirSync(this.runsDir).filter((d) => runIdProblem(d) === undefined && existsSync(path.join(this.runsDir, d, ROLLOUT_FILE))).sort();
  }

  /** Every rollout, oldest first, and every rollout.json that is not one, with its path and why. */
  scan(): { states: RolloutState[]; damaged: DamagedRollout[] } {
    const states: RolloutState[] = [];
    const bad: DamagedRollout[] = [];
    for (const id of this.ids()) {
      try {
        states.push(this.load(id));
      } catch (err) {
        if (!(err instanceof DamagedRolloutError)) throw err;
        bad.push({ id, path: this.fileOf(id), error: err.problems.join('; ') || err.message });
      }
    }
    return { states, damaged: bad };
  }
}

function damaged(file: string, problems: string[]): DamagedRolloutError {
  return new DamagedRolloutError(`${file} is damaged: ${problems[0]}`, {
    problems, hint: 'the other rollouts are not affected; move the file aside (or remove its run folder) to be rid of it',
  });
}
