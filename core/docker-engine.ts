// The one Docker engine client (dockerode) the build and the docker backend share.
import Docker from 'dockerode';

let client: Docker | undefined;
export function docker(): Docker {
  return (client ??= new Docker());
}

/** True when an engine answers within `timeoutMs`. */
export async function dockerAvailable(timeoutMs = 3000): Promise<boolean> {
  try {
    await Promise.race([
      docker().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Docker's log stream without a TTY as text: 8-byte frame headers (stream, 0, 0, 0, length BE32), stdout and stderr in order. */
export function demuxLogs(buf: Buffer): string {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len));
    i += 8 + len;
  }
  return Buffer.concat(out).toString('utf8');
}
