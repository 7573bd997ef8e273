// What the local backend's processes show through /proc: RSS and CPU time of each nats-server, and
// the TCP connections it holds open. The server is found by its monitor port (the backend does not
// expose pids through ClusterView), once per server ID. Linux only; elsewhere every call answers
// undefined and the observer falls back to /varz.
import { readFileSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { ServerEndpoint } from '../../clusters/view.ts';

export interface ProcessSample {
  pid: number;
  rssBytes: number;
  /** User + system CPU time since the process started, seconds. */
  cpuSeconds: number;
}

/** Optional abilities of a backend's processes; the observer uses what is there. */
export interface ProcessInspector {
  sample(server: ServerEndpoint): Promise<ProcessSample | undefined>;
  /** Remote `ip:port` of every established or connecting TCP socket the server holds. */
  openConnections(server: ServerEndpoint): Promise<Set<string> | undefined>;
}

const PAGE = 4096;
const TICKS = 100; // USER_HZ on Linux
const TCP_ESTABLISHED = '01';
const TCP_SYN_SENT = '02';
const TCP_LISTEN = '0A';

/** `0100007F:1F90` → `127.0.0.1:8080` (IPv4 only; IPv6 addresses map to undefined). */
export function decodeProcAddress(hex: string): string | undefined {
  const [ip, port] = hex.split(':');
  if (!ip || !port || ip.length !== 8) return undefined;
  const bytes = [6, 4, 2, 0].map((i) => parseInt(ip.slice(i, i + 2), 16));
  return `${bytes.join('.')}:${parseInt(port, 16)}`;
}

export interface ProcTcpRow { local: string; remote: string; state: string; inode: string }

/** Rows of /proc/net/tcp (IPv4). */
export function parseProcTcp(text: string): ProcTcpRow[] {
  const rows: ProcTcpRow[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const local = decodeProcAddress(f[1]!);
    const remote = decodeProcAddress(f[2]!);
    if (local && remote) rows.push({ local, remote, state: f[3]!, inode: f[9]! });
  }
  return rows;
}

/** /proc/<pid>/stat → RSS bytes and CPU seconds. The command may contain spaces: parse after ')'. */
export function parseProcStat(text: string): { rssBytes: number; cpuSeconds: number } {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields after the command start at field 3 (state): utime is field 14, stime 15, rss 24.
  const utime = Number(f[14 - 3]);
  const stime = Number(f[15 - 3]);
  const rss = Number(f[24 - 3]);
  return { rssBytes: rss * PAGE, cpuSeconds: (utime + stime) / TICKS };
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  return inodes;
}

export function localProcessInspector(): ProcessInspector {
  const pids = new Map<string, number>();

  const portOf = (url: string): number => Number(new URL(url).port);

  // One scan of /proc serves every server looked up within SCAN_TTL_MS: which nats-server owns which
  // socket inode, and the listening sockets. Scanning per server cost O(n²) readlinks (3.5 s at 34).
  let scan: { at: number; tcp: Promise<ProcTcpRow[]>; owner: () => Promise<Map<string, number>> } | undefined;
  const SCAN_TTL_MS = 2000;
  const ownersOfSockets = async (): Promise<Map<string, number>> => {
    const owner = new Map<string, number>();
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
      if (comm.trim() !== 'nats-server') continue;
      for (const inode of await socketInodes(Number(entry)).catch(() => new Set<string>())) owner.set(inode, Number(entry));
    }
    return owner;
  };
  const currentScan = (fresh: boolean) => {
    if (fresh || !scan || Date.now() - scan.at > SCAN_TTL_MS) {
      let owners: Promise<Map<string, number>> | undefined;
      // The process walk only when a listening socket was found, and once per scan.
      scan = { at: Date.now(), tcp: readFile('/proc/net/tcp', 'utf8').catch(() => '').then(parseProcTcp), owner: () => (owners ??= ownersOfSockets()) };
    }
    return scan;
  };

  async function findPid(server: ServerEndpoint): Promise<number | undefined> {
    const port = portOf(server.monitorUrl);
    const find = async (fresh: boolean): Promise<number | undefined> => {
      const s = currentScan(fresh);
      const listen = (await s.tcp).find((r) => r.state === TCP_LISTEN && r.local.endsWith(`:${port}`));
      return listen ? (await s.owner()).get(listen.inode) : undefined;
    };
    // A server started after the last scan is not in it: one fresh scan before giving up.
    const pid = (await find(false)) ?? (await find(true));
    if (pid !== undefined) pids.set(server.monitorUrl, pid);
    return pid;
  }

  /** /proc/<pid>/stat of a nats-server, read at once (a few µs; async reads cost several times the CPU), else undefined. */
  const natsStat = (pid: number): string | undefined => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.startsWith(`${pid} (nats-server) `) ? stat : undefined;
    } catch {
      return undefined;
    }
  };

  /**
   * The server's pid and its stat line. Every round, for every server: one read of the cached pid's
   * stat, which also proves the pid is still a nats-server (its command is in the line); the search
   * runs only when it is not.
   */
  async function live(server: ServerEndpoint): Promise<{ pid: number; stat: string } | undefined> {
    const cached = pids.get(server.monitorUrl);
    const hit = cached === undefined ? undefined : natsStat(cached);
    if (hit !== undefined) return { pid: cached!, stat: hit };
    pids.delete(server.monitorUrl);
    const pid = await findPid(server);
    const stat = pid === undefined ? undefined : natsStat(pid);
    return stat === undefined ? undefined : { pid: pid!, stat };
  }

  return {
    async sample(server) {
      const l = await live(server);
      return l && { pid: l.pid, ...parseProcStat(l.stat) };
    },
    async openConnections(server) {
      const pid = (await live(server))?.pid;
      if (pid === undefined) return undefined;
      try {
        const inodes = await socketInodes(pid);
        const rows = parseProcTcp(await readFile(`/proc/${pid}/net/tcp`, 'utf8'));
        return new Set(rows.filter((r) => inodes.has(r.inode) && (r.state === TCP_ESTABLISHED || r.state === TCP_SYN_SENT)).map((r) => r.remote));
      } catch {
        return undefined;
      }
    },
  };
}

/** CPU percent of one core between two samples of the same process. */
export function cpuPercent(prev: ProcessSample | undefined, cur: ProcessSample, wallMs: number): number | undefined {
  if (!prev || prev.pid !== cur.pid || wallMs <= 0) return undefined;
  return Math.max(0, ((cur.cpuSeconds - prev.cpuSeconds) * 1000 * 100) / wallMs);
}
