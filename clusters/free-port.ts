// Free TCP ports on 127.0.0.1, picked by binding port 0. Ports handed out in this process are not
// handed out again, so two servers started together never collide.
import net from 'node:net';

const given = new Set<number>();

export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    if (!given.has(port)) {
      given.add(port);
      return port;
    }
  }
  throw new Error('no free port found after 50 tries');
}
