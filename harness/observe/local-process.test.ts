import assert from 'node:assert/strict';
import { cpuPercent, decodeProcAddress, parseProcStat, parseProcTcp } from './local-process.ts';

describe('local process', () => {
  it('local process - decodes /proc/net/tcp addresses and rows', () => {
    assert.equal(decodeProcAddress('0100007F:1F90'), '127.0.0.1:8080');
    assert.equal(decodeProcAddress('00000000000000000000000001000000:1F90'), undefined);
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:A1B2 0100007F:4331 01 00000000:00000000 00:00000000 00000000     0        0 23456 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    assert.deepEqual(parseProcTcp(text), [
      { local: '127.0.0.1:8080', remote: '0.0.0.0:0', state: '0A', inode: '12345' },
      { local: '127.0.0.1:41394', remote: '127.0.0.1:17201', state: '01', inode: '23456' },
    ]);
  });

  it('local process - reads RSS and CPU from /proc/<pid>/stat even with spaces in the command', () => {
    const fields = ['S', '1', '1', '1', '0', '-1', '0', '0', '0', '0', '0', '250', '150', '0', '0', '20', '0', '8', '0', '100', '12345678', '5000'];
    const stat = `4242 (nats server) ${fields.join(' ')} 0 0`;
    assert.deepEqual(parseProcStat(stat), { rssBytes: 5000 * 4096, cpuSeconds: 4 });
  });

  it('local process - CPU percent only between samples of the same process', () => {
    assert.equal(cpuPercent({ pid: 1, rssBytes: 0, cpuSeconds: 1 }, { pid: 1, rssBytes: 0, cpuSeconds: 1.5 }, 1000), 50);
    assert.equal(cpuPercent({ pid: 1, rssBytes: 0, cpuSeconds: 1 }, { pid: 2, rssBytes: 0, cpuSeconds: 1.5 }, 1000), undefined);
    assert.equal(cpuPercent(undefined, { pid: 2, rssBytes: 0, cpuSeconds: 1.5 }, 1000), undefined);
  });
});
