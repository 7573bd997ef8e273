// Where a run writes: runs/<timestamp>-<scenario>/ with its timeline, reports and server logs.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StartedCluster } from '../../clusters/index.ts';
import { RUNS_DIR } from '../../core/layout.ts';

export interface RunFolder {
  runId: string;
  runDir: string;
}

function stamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** A folder of its own: two runs of one scenario started in the same second get `-2`, `-3`, ... */
export function newRunFolder(scenario: string, runsDir = RUNS_DIR, now = new Date()): RunFolder {
  mkdirSync(runsDir, { recursive: true });
  const base = `${stamp(now)}-${scenario}`;
  for (let n = 1; ; n++) {
    const runId = n === 1 ? base : `${base}-${n}`;
    const runDir = path.join(runsDir, runId);
    try {
      mkdirSync(runDir);
      return { runId, runDir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Every server's log as it is now, into `<runDir>/logs/` (a server that cannot say, says so). */
export async function saveServerLogs(cluster: StartedCluster, runDir: string): Promise<void> {
  mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  for (const s of cluster.servers()) {
    const text = await s.logs().catch((e: Error) => `logs unavailable: ${e.message}\n`);
    writeFileSync(path.join(runDir, 'logs', `${s.name}.log`), text);
  }
}
