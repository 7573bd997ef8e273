// Bytes the kernel holds for TCP sockets, from `ss -tnH` run in a container's network namespace:
// Recv-Q (arrived, not yet read by the process) and Send-Q (written by the process, not yet
// acknowledged by the peer). Where a capped link's backlog sits when nats-server's own pending is 0. Pure.

export interface SocketQueues { recvQ: number; sendQ: number; sockets: number }

const port = (addr: string) => Number(addr.slice(addr.lastIndexOf(':') + 1));

/** Sums over the sockets `pick(localPort, peerPort)` keeps; lines that are not `STATE RECVQ SENDQ LOCAL PEER` are skipped. */
export function socketQueues(ssOutput: string, pick: (localPort: number, peerPort: number) => boolean): SocketQueues {
  const out: SocketQueues = { recvQ: 0, sendQ: 0, sockets: 0 };
  for (const line of ssOutput.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!)) continue;
    if (!pick(port(f[3]!), port(f[4]!))) continue;
    out.recvQ += Number(f[1]); out.sendQ += Number(f[2]); out.sockets++;
  }
  return out;
}
