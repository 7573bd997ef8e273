// What the machine holds that a brownout run could have left: our processes (their executable lies
// under the build folder), labeled containers, networks and volumes, iptables rules naming brownout
// (host and every namespace of a labeled container), listening ports, files under the temp folder,
// state files. A snapshot before the soak is the baseline; a leak is what a later snapshot adds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
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

function ourProcesses(): string[] {
  const root = path.resolve(BUILD_DIR) + '/';
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
    try {
      const exe = readlinkSync(`/proc/${d}/exe`);
      const id = processIdentity(Number(d));
      return exe.startsWith(root) && id ? [`${d}@${id.startTime} ${path.relative(root, exe)}`] : [];
    } catch {
      return [];
    }
  });
}

function iptablesLines(args: string[]): string[] {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout ?? '').split('\n').filter((l) => /brownout/i.test(l));
}

/** Listening TCP ports of servers and proxies (other programs' ports are not ours to count). */
function listeningPorts(): string[] {
  const r = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8', timeout: 10_000 });
  return (r.stdout ?? '').split('\n').filter((l) => /"(nats-server|toxiproxy-serv)/.test(l))
    .map((l) => l.trim().split(/\s+/)[3]).filter((x): x is string => !!x);
}

/** `tmpDir`: where the runs were told to put temp files (their TMPDIR), so others' files do not count. */
export async function snapshot(runsDir: string, tmpDir = os.tmpdir()): Promise<Snapshot> {
  const s: Snapshot = { processes: ourProcesses(), containers: [], networks: [], volumes: [], iptables: [], ports: listeningPorts(), tmpFiles: [], stateFiles: [] };
  for (const t of ['filter', 'nat', 'mangle', 'raw']) s.iptables.push(...iptablesLines(['iptables-save', '-t', t]).map((l) => `host ${t}: ${l}`));
  if (await dockerAvailable()) {
    const filters = JSON.stringify({ label: ['brownout.run'] });
    for (const c of await docker().listContainers({ all: true, filters })) {
      s.containers.push(c.Names[0] ?? c.Id);
      const pid = (await docker().getContainer(c.Id).inspect().catch(() => undefined))?.State?.Pid;
      if (pid) s.iptables.push(...iptablesLines(['nsenter', '-t', String(pid), '-n', 'iptables-save']).map((l) => `${c.Names[0]}: ${l}`));
    }
    s.networks = (await docker().listNetworks({ filters })).map((n) => n.Name);
    s.volumes = ((await docker().listVolumes({ filters })).Volumes ?? []).map((v) => v.Name);
  }
  s.tmpFiles = existsSync(tmpDir) ? readdirSync(tmpDir) : [];
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
