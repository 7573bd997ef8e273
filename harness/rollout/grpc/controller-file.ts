// runs/.controller.json: how a CLI finds the rollout controller serving on this machine. Written by
// the serving process (mode 0600: it holds the token), removed on a clean shutdown; a file whose pid
// is dead is stale.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BadInputError } from '../../../core/errors.ts';

export interface ControllerInfo {
  /** host:port as a client dials it. */
  address: string;
  port: number;
  token: string;
  pid: number;
  /** RFC 3339. */
  startedAt: string;
}

/** Write atomically with mode 0600 (a rename, so a reader never sees half a file or a wider mode). */
export function writeControllerFile(file: string, info: ControllerInfo): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The file's content; undefined when there is none. A file that is not ours to read is bad input naming it. */
export function readControllerFile(file: string): ControllerInfo | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BadInputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  try {
    const v = JSON.parse(text) as Partial<ControllerInfo>;
    if (typeof v.address === 'string' && typeof v.token === 'string' && typeof v.pid === 'number' && typeof v.port === 'number') {
      return { address: v.address, port: v.port, token: v.token, pid: v.pid, startedAt: String(v.startedAt ?? '') };
    }
  } catch {
    // A torn or foreign file counts as none; the next serve rewrites it.
  }
  return undefined;
}

/** Remove the file if it still names `pid` (a newer controller may have replaced it). */
export function removeControllerFile(file: string, pid = process.pid): void {
  if (readControllerFile(file)?.pid === pid) rmSync(file, { force: true });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
