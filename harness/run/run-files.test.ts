import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { newRunFolder } from './run-files.ts';

describe('run folders', () => {
  it('gives two runs of one scenario started in the same second folders of their own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'brownout-runs-'));
    try {
      const now = new Date('2026-11-26T02:10:00.123Z');
      const a = newRunFolder('packet-loss', dir, now);
      const b = newRunFolder('packet-loss', dir, now);
      const c = newRunFolder('packet-loss', dir, now);
      assert.equal(a.runId, '20261126T021000Z-packet-loss');
      assert.equal(b.runId, '20261126T021000Z-packet-loss-2');
      assert.equal(c.runId, '20261126T021000Z-packet-loss-3');
      for (const f of [a, b, c]) assert.ok(statSync(f.runDir).isDirectory());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
