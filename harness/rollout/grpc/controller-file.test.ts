import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readControllerFile, removeControllerFile, writeControllerFile } from './controller-file.ts';

describe('rollout controller file', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-ctl-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const info = { address: '127.0.0.1:5', port: 5, token: 'a'.repeat(64), pid: process.pid, startedAt: '2026-11-25T10:00:00.000Z' };

  it('rollout controller file - written 0600 even over a wider file, read back whole', () => {
    const file = path.join(dir, 'sub', '.controller.json');
    writeControllerFile(file, info);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    writeFileSync(file, '{}', { mode: 0o644 });
    writeControllerFile(file, info);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readControllerFile(file), info);
  });

  it('rollout controller file - none, torn or foreign reads as none', () => {
    const file = path.join(dir, '.controller.json');
    assert.equal(readControllerFile(file), undefined);
    writeFileSync(file, '{"address": "127.0.0.1:5", "tok');
    assert.equal(readControllerFile(file), undefined);
    writeFileSync(file, '{"address": 5}');
    assert.equal(readControllerFile(file), undefined);
  });

  it('rollout controller file - removed only by the controller it names', () => {
    const file = path.join(dir, '.controller.json');
    writeControllerFile(file, { ...info, pid: process.pid + 1 });
    removeControllerFile(file);
    assert.ok(readControllerFile(file), 'another controller\'s file stays');
    writeControllerFile(file, info);
    removeControllerFile(file);
    assert.equal(readControllerFile(file), undefined);
  });
});
