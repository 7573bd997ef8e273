import assert from 'node:assert/strict';
import { socketQueues } from './socket-queues.ts';

const SS = `ESTAB 0      0               192.168.80.5:40118          192.168.80.6:6222
ESTAB 120  4096            192.168.80.5:7222           192.168.80.9:51234
ESTAB 7    65000           192.168.80.5:51000          192.168.80.2:17003
LISTEN 0 4096 0.0.0.0:8222 0.0.0.0:*
garbage line
ESTAB 0 9 [::ffff:192.168.80.5]:8222 [::ffff:192.168.80.1]:40000`;

describe('bench socket queues', () => {
  it('socket queues - sums Recv-Q and Send-Q of the sockets picked by port', () => {
    const gw = socketQueues(SS, (local, peer) => local === 7222 || (peer >= 17000 && peer < 18000));
    assert.deepEqual(gw, { recvQ: 127, sendQ: 69096, sockets: 2 });
    assert.deepEqual(socketQueues(SS, (local) => local === 8222), { recvQ: 0, sendQ: 4105, sockets: 2 });
    assert.deepEqual(socketQueues('', () => true), { recvQ: 0, sendQ: 0, sockets: 0 });
  });
});
