import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtempSync } from '../test/support/temp-dir.ts';
import os from 'node:os';
import path from 'node:path';
import { appendLineDurable, writeFileAtomic } from './atomic-file.ts';

describe('atomic-file', () => {
  it('atomic-file - replaces the file whole and leaves no temp file behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-atomic-'));
    const f = path.join(dir, 'state.json');
    writeFileAtomic(f, 'one', 0o600);
    writeFileAtomic(f, 'two');
    assert.equal(readFileSync(f, 'utf8'), 'two');
    assert.equal(statSync(f).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });
  it('atomic-file - appendLineDurable ends every record with a newline', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-atomic-'));
    const f = path.join(dir, 'ledger.ndjson');
    appendLineDurable(f, '{"a":1}');
    appendLineDurable(f, '{"b":2}\n');
    assert.equal(readFileSync(f, 'utf8'), '{"a":1}\n{"b":2}\n');
  });
});
