// What the machine holds that a brownout run could have left: our processes (their executable lies
// under the build folder), labeled containers, networks and volumes, iptables rules naming brownout
// (host and every namespace of a labeled container), listening ports, files under the temp folder,
// state files. A snapshot before the soak is the baseline; a leak is what a later snapshot adds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD_DIR } from '../core/layout.ts';
import { docker, dockerAvailable } from '../core/docker-engine.ts';
import { processIdentity } from '../core/process-identity.ts';

export interface Snapshot {
  processes: string[];
  containers: string[];
  networks: string[];
  volumes: string[];
  iptables: string[];
  ports: string[];
  tmpFiles: string[];
  stateFiles: string[];
}
export type LeakKind = keyof Snapshot;
export const LEAK_KINDS: LeakKind[] = ['processes', 'containers', 'networks', 'volumes', 'iptables', 'ports', 'tmpFiles', 'stateFiles'];

/** Our servers and proxies (executable under the build folder) started for runs under `runsDir`. */
function ourProcesses(runsDir: string): { entries: string[]; pids: Set<string> } {
  const root = path.resolve(BUILD_DIR) + '/';
  const marker = path.resolve(runsDir) + '/';
  const entries: string[] = [];
  const pids = new Set<string>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const exe = readlinkSync(`/proc/${d}/exe`);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      const id = processIdentity(Number(d));
      if (!exe.startsWith(root) || !cmd.includes(marker) || !id) continue;
      entries.push(`${d}@${id.startTime} ${path.relative(root, exe)}`);
      pids.add(d);
    } catch {
      // gone, or not ours to read
    }
  }
  return { entries, pids };
}

function iptablesLines(args: string[]): string[] {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout ?? '').split('\n').filter((l) => /brownout/i.test(l));
}

/** Listening TCP ports held by `pids` (other programs' ports are not ours to count). */
function listeningPorts(pids: Set<string>): string[] {
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout ?? '').split('\n').filter((l) => [...l.matchAll(/pid=(\d+)/g)].some((m) => pids.has(m[1]!)))
    .map((l) => l.trim().split(/\s+/)[3]).filter((x): x is string => !!x);
}

/**
 * What runs under `runsDir` hold: processes whose command line names it, docker resources whose run
 * label names one of its run folders, and temp files under `tmpDir` (the runs' TMPDIR), so what
 * other users of the machine run at the same time does not count. Host iptables rules all count.
 */
export async function snapshot(runsDir: string, tmpDir = os.tmpdir()): Promise<Snapshot> {
  const procs = ourProcesses(runsDir);
  const runIds = new Set(existsSync(runsDir) ? readdirSync(runsDir).filter((d) => !d.startsWith('.')) : []);
  const ours = (labels: Record<string, string> | undefined): boolean => runIds.has(labels?.['brownout.run'] ?? '');
  const s: Snapshot = { processes: procs.entries, containers: [], networks: [], volumes: [], iptables: [], ports: listeningPorts(procs.pids), tmpFiles: [], stateFiles: [] };
  for (const t of ['filter', 'nat', 'mangle', 'raw']) s.iptables.push(...iptablesLines(['iptables-save', '-t', t]).map((l) => `host ${t}: ${l}`));
  if (await dockerAvailable()) {
    const filters = JSON.stringify({ label: ['brownout.run'] });
    for (const c of (await docker().listContainers({ all: true, filters })).filter((x) => ours(x.Labels))) {
      s.containers.push(c.Names[0] ?? c.Id);
      const pid = (await docker().getContainer(c.Id).inspect().catch(() => undefined))?.State?.Pid;
      if (pid) s.iptables.push(...iptablesLines(['nsenter', '-t', String(pid), '-n', 'iptables-save']).map((l) => `${c.Names[0]}: ${l}`));
    }
    s.networks = (await docker().listNetworks({ filters })).filter((n) => ours(n.Labels)).map((n) => n.Name);
    s.volumes = ((await docker().listVolumes({ filters })).Volumes ?? []).filter((v) => ours(v.Labels ?? undefined)).map((v) => v.Name);
  }
  // tsx-<uid> is tsx's compile cache, made by the first TypeScript entry point run with this TMPDIR:
  // the TypeScript runner's, not brownout's (the installed tool runs compiled code and makes none).
  s.tmpFiles = existsSync(tmpDir) ? readdirSync(tmpDir).filter((f) => !/^tsx-\d+$/.test(f)) : [];
  const states = path.join(runsDir, '.clusters');
  s.stateFiles = existsSync(states) ? readdirSync(states) : [];
  return s;
}

/** What `after` holds that `before` did not, per kind. */
export function leaks(before: Snapshot, after: Snapshot): Partial<Record<LeakKind, string[]>> {
  const out: Partial<Record<LeakKind, string[]>> = {};
  for (const k of LEAK_KINDS) {
    const added = after[k].filter((x) => !before[k].includes(x));
    if (added.length) out[k] = added;
  }
  return out;
}
