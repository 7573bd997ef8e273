// Processes of a run, known by identity (pid, start time, executable), never by pid alone: a pid is
// reused, and a command line that mentions a run folder may be anyone's (`tail -f runs/<id>/...`).
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUILD_DIR } from '../core/layout.ts';
import { processIdentity, sameProcess, type ProcessIdentity } from '../core/process-identity.ts';

export type { ProcessIdentity } from '../core/process-identity.ts';

/** Alive and not a zombie (pid only: for owners recorded by older state files and for display). */
export function pidAlive(pid: number): boolean {
  return processIdentity(pid) !== undefined;
}

/** The identity of a process we just spawned from `bin`; undefined if it is already gone. */
export function recordSpawned(pid: number, bin: string): ProcessIdentity | undefined {
  const id = processIdentity(pid);
  if (!id) return undefined;
  // spawn() returns after exec, so exe is the binary; if /proc could not say, record the binary itself.
  return id.exe === '' ? { ...id, exe: realOrSelf(bin) } : id;
}

function realOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

const OUR_BINARIES = new Set(['nats-server', 'toxiproxy-server']);

/** An executable we built: nats-server or toxiproxy-server under the build folder. */
export function isOurBinary(exe: string): boolean {
  const root = realOrSelf(BUILD_DIR);
  const file = exe.replace(/ \(deleted\)$/, '');
  return file.startsWith(`${root}/`) && OUR_BINARIES.has(path.basename(file));
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * For a process a killed harness started before it could record it: ours only when it runs a binary
 * we built AND its command line names `marker` (the run folder, or one server's config file).
 */
export function unrecordedOurs(pid: number, marker: string): ProcessIdentity | undefined {
  const id = processIdentity(pid);
  return id && isOurBinary(id.exe) && cmdline(pid).includes(marker) ? id : undefined;
}

/** Signal `who` only if it still is the process recorded; false when it is not (gone or someone else). */
export function signalOurs(who: ProcessIdentity, sig: NodeJS.Signals): boolean {
  if (!sameProcess(who)) return false;
  try {
    process.kill(who.pid, sig);
    return true;
  } catch {
    return false; // exited between the check and the signal
  }
}

/** SIGTERM (after SIGCONT, in case it is paused), then SIGKILL after `graceMs`; resolves once gone. */
export async function terminate(who: ProcessIdentity, graceMs = 5000, sig: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  signalOurs(who, sig);
  signalOurs(who, 'SIGCONT');
  const start = Date.now();
  while (sameProcess(who)) {
    if (Date.now() - start > graceMs) signalOurs(who, 'SIGKILL');
    if (Date.now() - start > graceMs + 5000) throw new Error(`pid ${who.pid} still alive ${graceMs + 5000}ms after ${sig}`);
    await sleep(50);
  }
}
