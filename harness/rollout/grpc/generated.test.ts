import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GENERATED_DIR, generateTypes } from './proto-gen.ts';

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p, base) : [path.relative(base, p)];
  });
}

describe('rollout grpc types', () => {
  it('rollout grpc - the committed generated types are what proto:gen makes from proto/ now', function () {
    this.timeout(60_000);
    const tmp = mkdtempSync(path.join(tmpdir(), 'proto-gen-'));
    try {
      generateTypes(tmp);
      const fresh = files(tmp);
      const committed = files(GENERATED_DIR);
      assert.deepEqual(committed, fresh, 'generated file set differs: run `npm run proto:gen` and commit');
      for (const f of fresh) {
        assert.equal(readFileSync(path.join(GENERATED_DIR, f), 'utf8'), readFileSync(path.join(tmp, f), 'utf8'), `${f} is stale: run \`npm run proto:gen\` and commit`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
