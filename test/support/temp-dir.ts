// Temporary folders a test file makes under the OS temp dir, removed once the tests are over, so a
// test run leaves nothing behind in /tmp. mkdtemp's own signature, so a file swaps it in by import.
import { mkdtempSync as mkdtempFs, rmSync } from 'node:fs';

const made: string[] = [];

// Registered while mocha loads the first file that imports this one: a root-level hook, run after
// every test of the run (outside mocha, e.g. a script, there is no hook and nothing to register).
if (typeof after === 'function') {
  after(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
}

export function mkdtempSync(prefix: string): string {
  const dir = mkdtempFs(prefix);
  made.push(dir);
  return dir;
}
