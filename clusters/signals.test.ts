// A signal's teardown waits for one already under way (a rollout stopping its cluster) before the
// process exits: checked in a child process, since the handler ends with process.exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

describe('signals', () => {
  it('signals - SIGTERM while a teardown is held finishes it before exiting 143', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-signals-'));
    try {
      const done = path.join(dir, 'teardown-finished');
      const signals = pathToFileURL(path.join(import.meta.dirname, 'signals.ts')).href;
      const script = `
        import { writeFileSync } from 'node:fs';
        import { holdExitUntil, registerLive } from ${JSON.stringify(signals)};
        registerLive({ stop: async () => {}, teardownSync: () => {} });
        // A teardown under way that takes a while (reaping a cluster's processes).
        holdExitUntil(new Promise((r) => setTimeout(r, 800)).then(() => writeFileSync(${JSON.stringify(done)}, 'yes')));
        setTimeout(() => process.kill(process.pid, 'SIGTERM'), 50);
        setTimeout(() => {}, 10_000);
      `;
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
      const r = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 143, r.stderr);
      assert.match(r.stderr, /SIGTERM: .*finishing 1 teardown\(s\) under way/);
      assert.ok(existsSync(done), 'the teardown under way finished before the exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
