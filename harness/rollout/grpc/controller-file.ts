// runs/.controller.json: how a CLI finds the rollout controller serving on this machine. Written by
// the serving process (mode 0600: it holds the token), removed on a clean shutdown; a file whose pid
// is dead is stale.
import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../../../core/atomic-file.ts';
import { BadInputError } from '../../../core/errors.ts';

export interface ControllerInfo {
  /** host:port as a client dials it. */
  address: string;
  port: number;
  token: string;
  pid: number;
  /** RFC 3339. */
  startedAt: string;
  /** Served over TLS: dial with TLS, trusting the CA in `ca` (a PEM file; the system's CAs when absent). */
  tls?: { ca?: string };
}

const infoSchema = z.object({
  address: z.string(), port: z.number().int(), token: z.string(), pid: z.number().int(), startedAt: z.unknown().optional(),
  tls: z.object({ ca: z.string().optional() }).optional(),
});

/** Write atomically and durably with mode 0600 (a temp file of our own, renamed: never half a file or a wider mode). */
export function writeControllerFile(file: string, info: ControllerInfo): void {
  writeFileAtomic(file, JSON.stringify(info, null, 2) + '\n', 0o600);
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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A torn or foreign file counts as none; the next serve rewrites it.
    return undefined;
  }
  const v = infoSchema.safeParse(json);
  if (!v.success) return undefined;
  const { address, port, token, pid, startedAt, tls } = v.data;
  return { address, port, token, pid, startedAt: String(startedAt ?? ''), ...(tls ? { tls: tls.ca === undefined ? {} : { ca: tls.ca } } : {}) };
}

/** Remove the file if it still names `pid` (a newer controller may have replaced it). */
export function removeControllerFile(file: string, pid = process.pid): void {
  if (readControllerFile(file)?.pid === pid) rmSync(file, { force: true });
}
