import assert from 'node:assert/strict';
import { findHunk, patchDoesNotApply, patchLabel, selectPatches } from './patches.ts';

const PATCH = `header text
diff --git a/server/a.go b/server/a.go
--- a/server/a.go
+++ b/server/a.go
@@ -10,3 +10,4 @@ func a() {
 x
+y
@@ -50,2 +51,3 @@ func b() {
 z
+w
diff --git a/server/b.go b/server/b.go
@@ -50,2 +50,3 @@
 q
`;

describe('patches', () => {
  it('patches - the failing hunk is found by target file and start line', () => {
    assert.deepEqual(findHunk(PATCH, 'server/a.go', 50), { index: 2, header: '@@ -50,2 +51,3 @@' });
    assert.deepEqual(findHunk(PATCH, 'server/b.go', 50), { index: 1, header: '@@ -50,2 +50,3 @@' });
    assert.equal(findHunk(PATCH, 'server/a.go', 11), undefined);
  });

  it("patches - git's complaint becomes patch file, target file and hunk", () => {
    const err = patchDoesNotApply({ file: '/p/0002.patch', bytes: Buffer.from(PATCH) },
      'Checking patch server/a.go...\nerror: while searching for:\nz\nerror: patch failed: server/a.go:50\nerror: server/a.go: patch does not apply\n');
    assert.equal(err.exitCode, 2);
    assert.equal(err.message, 'patch /p/0002.patch does not apply: target file server/a.go, hunk #2 @@ -50,2 +51,3 @@');
    const missing = patchDoesNotApply({ file: '/p/1.patch', bytes: Buffer.from(PATCH) }, 'error: server/zz.go: No such file or directory\n');
    assert.equal(missing.message, 'patch /p/1.patch does not apply: target file server/zz.go');
  });

  it('patches - a label is the first word after the number', () => {
    assert.equal(patchLabel('/p/0001-statsz-rate-limit.patch'), 'statsz');
    assert.equal(patchLabel('0002-gateway-stale-handshake.patch'), 'gateway');
    assert.equal(patchLabel('fix.patch'), 'fix');
  });

  it('patches - a selection keeps series order and rejects a selector matching none', () => {
    const series = [{ file: '/p/0001-statsz-x.patch' }, { file: '/p/0002-gateway-y.patch' }, { file: '/p/0003-gateway-z.patch' }];
    assert.deepEqual(selectPatches(series, ['0002', 'statsz'], 'w').map((p) => p.file), ['/p/0001-statsz-x.patch', '/p/0002-gateway-y.patch']);
    assert.throws(() => selectPatches(series, ['gateway'], 'w'), /selector does not name one patch/);
    assert.throws(() => selectPatches(series, ['gateway'], 'w'), (e: { problems: string[] }) => e.problems[0] === 'w: "gateway" matches 2 patches; allowed: 0001 (statsz), 0002 (gateway), 0003 (gateway)');
  });
});
