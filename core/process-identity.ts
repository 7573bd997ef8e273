// Who a process is, beyond its pid: a pid is reused, so a process we started is known by pid, start
// time (/proc/<pid>/stat field 22, clock ticks since boot) and executable. A signal goes only to a
// process whose three facts all match what was recorded when it started.
import { readFileSync, readlinkSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot; never changes for a process. */
  startTime: number;
  /** /proc/<pid>/exe at record time; empty when it could not be read. */
  exe: string;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The identity of a live, non-zombie process, or undefined. */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const f = statFields(pid);
  // f[0] is field 3 (state), so field 22 (starttime) is f[19].
  if (!f || f[0] === 'Z' || f[0] === 'X') return undefined;
  let exe = '';
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // a kernel thread, or a process of another user: no exe to compare
  }
  return { pid, startTime: Number(f[19]), exe };
}

/** True only when `pid` is alive and is still the very process `recorded` describes. */
export function sameProcess(recorded: ProcessIdentity): boolean {
  const now = processIdentity(recorded.pid);
  if (!now || now.startTime !== recorded.startTime) return false;
  // An exe that became unreadable, or was replaced on disk (" (deleted)"), still names the same file.
  return recorded.exe === '' || now.exe.replace(/ \(deleted\)$/, '') === recorded.exe.replace(/ \(deleted\)$/, '');
}

/** The identity of this process, for records that name their owner. */
export function selfIdentity(): ProcessIdentity {
  return processIdentity(process.pid) ?? { pid: process.pid, startTime: 0, exe: process.execPath };
}
