// Where rollouts live: runs/<id>/rollout.json, written whole and atomically (a temporary file, then
// rename), so a controller killed mid-write leaves the previous state, never half of one.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../../../core/errors.ts';
import { RUNS_DIR } from '../../../core/layout.ts';
import { ROLLOUT_FORMAT, RolloutNotFoundError, type RolloutState } from './state.ts';

export const ROLLOUT_FILE = 'rollout.json';

export function newRolloutId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-rollout-${name}`;
}

export class RolloutStore {
  constructor(readonly runsDir: string = RUNS_DIR) {}

  dirOf(id: string): string {
    return path.join(this.runsDir, id);
  }

  /** A fresh run folder for a new rollout (a suffix when two start in the same second). */
  create(name: string): { id: string; runDir: string } {
    const base = newRolloutId(name);
    for (let i = 1; i < 100; i++) {
      const id = i === 1 ? base : `${base}-${i}`;
      const runDir = this.dirOf(id);
      if (existsSync(runDir)) continue;
      mkdirSync(runDir, { recursive: true });
      return { id, runDir };
    }
    throw new HarnessError(`could not make a run folder for ${base} in ${this.runsDir}`);
  }

  save(state: RolloutState): void {
    const file = path.join(state.runDir, ROLLOUT_FILE);
    mkdirSync(state.runDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
    renameSync(tmp, file);
  }

  load(id: string): RolloutState {
    const file = path.join(this.dirOf(id), ROLLOUT_FILE);
    if (!existsSync(file)) throw new RolloutNotFoundError(`no rollout "${id}"`, { problems: [`id: one of ${this.ids().slice(-10).join(', ') || '(none)'}`] });
    const state = JSON.parse(readFileSync(file, 'utf8')) as RolloutState;
    if (state.format !== ROLLOUT_FORMAT) throw new HarnessError(`${file}: format ${String(state.format)}, expected ${ROLLOUT_FORMAT}`);
    return state;
  }

  /** Rollout ids, oldest first (ids start with their creation time). */
  ids(): string[] {
    if (!existsSync(this.runsDir)) return [];
    return readdirSync(this.runsDir).filter((d) => existsSync(path.join(this.runsDir, d, ROLLOUT_FILE))).sort();
  }
}
