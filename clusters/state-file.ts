// What a running cluster leaves on disk so that `cluster status|down`, `clean` and the next start's
// reaper can find it after the harness process is gone: one JSON file per run under runs/.clusters/.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { RUNS_DIR } from '../core/layout.ts';
import type { ClusterSecrets } from './render-config.ts';
import type { Topology } from './topology.ts';
import type { ServerEndpoint } from './view.ts';

export type BackendName = 'local' | 'docker';

export interface LocalServerState {
  pid: number | null;
  variant: string;
  ports: { client: number; cluster: number; gateway: number; monitor: number; proxy: number };
}

export interface ClusterState {
  runId: string;
  backend: BackendName;
  runDir: string;
  createdAt: string;
  /** The harness process that owns the cluster; when it is gone and `detached` is false, the run is a leftover. */
  ownerPid: number;
  /** Left running on purpose (`cluster up`): only `cluster down` or `clean` removes it. */
  detached: boolean;
  topology: Topology;
  secrets: ClusterSecrets;
  endpoints: ServerEndpoint[];
  local?: { toxiproxy: { pid: number; apiUrl: string }; servers: Record<string, LocalServerState> };
  docker?: { label: string; toxiproxyApis: Record<string, string> };
}

export function statesDir(): string {
  return path.join(RUNS_DIR, '.clusters');
}

export function writeState(s: ClusterState): void {
  mkdirSync(statesDir(), { recursive: true });
  const file = path.join(statesDir(), `${s.runId}.json`);
  // Write then rename, so a reader (or a crash) never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readState(runId: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(path.join(statesDir(), `${runId}.json`), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function listStates(): ClusterState[] {
  let files: string[] = [];
  try {
    files = readdirSync(statesDir()).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => readState(f.slice(0, -5))).filter((s): s is ClusterState => s !== undefined)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function removeState(runId: string): void {
  rmSync(path.join(statesDir(), `${runId}.json`), { force: true });
}
