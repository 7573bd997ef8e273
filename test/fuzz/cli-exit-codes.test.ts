// What a user sees when a flag is bad: exit 2, every problem at once, no stack, nothing built, no
// run folder. Each case spawns the CLI as a user would (a second or two each).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUNS_DIR } from '../../core/layout.ts';
import { runScript } from '../support/run-script.ts';

const cli = (...args: string[]) => runScript('harness/cli/main.ts', args, process.env, 60_000);
const runFolders = () => new Set(existsSync(RUNS_DIR) ? readdirSync(RUNS_DIR) : []);

describe('cli exit codes', function () {
  this.timeout(120_000);

  it('cli exit codes - chaos and gate with --backend bogus: exit 2 before any build or run folder, every flag problem listed', () => {
    const before = runFolders();
    for (const args of [['chaos', 'partition', '--backend', 'bogus', '--seed', '', '--attach', '../../../x'], ['gate', '--backend', 'bogus', '--seed', '', '--attach', '../../../x', '--scenario', 'partition']]) {
      const r = cli(...args);
      assert.equal(r.status, 2, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^bad input: .*nothing started$/m);
      assert.match(r.stderr, /^ {2}- --backend: "bogus" is not a backend; allowed: auto, local, docker, swarm$/m);
      assert.match(r.stderr, /^ {2}- --seed: "" is not a whole number; allowed: 0\.\.4294967295$/m);
      assert.match(r.stderr, /^ {2}- --attach: "\.\.\/\.\.\/\.\.\/x" is not a run id/m);
      assert.doesNotMatch(r.stdout + r.stderr, /\[build\]|boot |    at /, 'nothing built or booted, no stack');
    }
    const made = [...runFolders()].filter((d) => !before.has(d));
    assert.deepEqual(made, [], 'no run folder was created');
  });

  it('cli exit codes - rollout start: an alias bomb and a 5 MiB playbook are bad input (exit 2) naming the file, before any controller is contacted', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-pb-cli-'));
    try {
      const bomb = path.join(dir, 'bomb.yaml');
      writeFileSync(bomb, ['a0: &a0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)].join('\n'));
      const r = cli('rollout', 'start', bomb);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`^bad input: playbook ${bomb.replace(/[.]/g, '\\.')}: its aliases expand to more than 100 nodes$`, 'm'));
      assert.doesNotMatch(r.stderr, /ReferenceError|    at /);
      const big = path.join(dir, 'big.yaml');
      writeFileSync(big, `description: "${'x'.repeat(5 * 2 ** 20)}"\n`);
      const b = cli('rollout', 'start', big);
      assert.equal(b.status, 2, b.stdout + b.stderr);
      assert.match(b.stderr, /is too large: 5242896 bytes \(5\.0 MiB\), the limit is 65536 bytes \(64 KiB\)/);
      assert.doesNotMatch(b.stderr, /RESOURCE_EXHAUSTED|    at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cli exit codes - chaos --backend bogus alone (every other input good): exit 2, no run folder', () => {
    const before = runFolders();
    const r = cli('chaos', 'partition', '--backend', 'bogus', '--metrics-port', 'off');
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^ {2}- --backend: "bogus" is not a backend; allowed: auto, local, docker, swarm$/m);
    assert.deepEqual([...runFolders()].filter((d) => !before.has(d)), [], 'no run folder was created');
  });
});
