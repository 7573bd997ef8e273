// The hook runner on real processes: argv filled per element (no shell), output in the run folder,
// a non-zero exit or a timeout named with the hook, the server and the log file, a timed-out hook's
// whole process group killed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHookRunner } from './hook-runner.ts';
import { fillArg, moveCalls, shellQuote, unknownPlaceholders, type HooksConfig } from './hook-templates.ts';
import type { ExternalServerRef } from './external-hooks.ts';

const server: ExternalServerRef = { name: 'iad-1', region: 'iad', host: 'nats-1.example', clientUrl: 'nats://127.0.0.1:4222', monitorUrl: 'http://127.0.0.1:8222' };
const values = { server: 'iad-1', region: 'iad', host: 'h', variant: 'v2.10.14', version: '2.10.14' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('hook templates', () => {
  it('hook templates - placeholders fill each element as one argument; {{ }} are braces; awk and brace expansions stay', () => {
    assert.equal(fillArg('{server}:{region}@{host}', values), 'iad-1:iad@h');
    assert.equal(fillArg('a b {variant}', values), 'a b v2.10.14');
    assert.equal(fillArg('{{server}} {print $1} {a,b}', values), '{server} {print $1} {a,b}');
    assert.deepEqual(unknownPlaceholders('{server} {srever} {{x}} {print $1}'), ['srever']);
  });

  it('hook templates - a move: lame duck on the running variant, stop, start on the target; or one upgrade command', () => {
    const cfg: HooksConfig = { workDir: '/', lameDuck: { argv: ['ldm', '{server}', '{variant}'], timeoutSeconds: 5 }, stop: { argv: ['stop', '{server}'], timeoutSeconds: 5 }, start: { argv: ['start', '{server}', '{version}'], timeoutSeconds: 5 }, expectVersion: { 'v2.10.14+brownout': '2.10.14-custom' } };
    assert.deepEqual(moveCalls(cfg, server, 'v2.10.14', 'v2.10.14+brownout', true).map((c) => c.argv.join(' ')), ['ldm iad-1 v2.10.14', 'stop iad-1', 'start iad-1 2.10.14-custom']);
    assert.deepEqual(moveCalls(cfg, server, 'v2.10.14', 'v2.10.14+brownout', false).map((c) => c.hook), ['stop', 'start']);
    const one: HooksConfig = { workDir: '/', upgrade: { argv: ['up', '{host}', '{variant}'], timeoutSeconds: 5 } };
    assert.deepEqual(moveCalls(one, server, 'a', 'b', false).map((c) => c.argv.join(' ')), ['up nats-1.example b']);
    assert.equal(shellQuote(['ssh', 'h', "echo 'x y'"]), `ssh h 'echo '\\''x y'\\'''`);
  });
});

describe('hook runner (real processes)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-hooks-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('hook runner - a hook that exits 0: its output in <server>.<hook>.<n>.log, no shell between (a space stays inside one argument), credentials not inherited', async () => {
    process.env.BROWNOUT_TEST_SECRET = 'hunter2';
    try {
      const lines: string[] = [];
      const hooks = createHookRunner({
        workDir: dir,
        start: { argv: ['sh', '-c', 'echo "args=$# first=$1 secret=${BROWNOUT_TEST_SECRET:-none} cwd=$(pwd)"', 'hook', '{server} on {variant}'], timeoutSeconds: 5 },
        stop: { argv: ['true'], timeoutSeconds: 5 },
      }, { logDir: path.join(dir, 'hooks'), withoutEnv: ['BROWNOUT_TEST_SECRET'], progress: { info: (l) => lines.push(l), step: (_l, f) => f() } });
      assert.deepEqual(hooks.steps, { lameDuck: false, stop: true, start: true, upgrade: false });
      await hooks.start(server, 'v2.10.14+brownout');
      await hooks.start(server, 'v2.10.14');
      assert.deepEqual(readdirSync(path.join(dir, 'hooks')).sort(), ['iad-1.start.1.log', 'iad-1.start.2.log']);
      const log = readFileSync(path.join(dir, 'hooks', 'iad-1.start.1.log'), 'utf8');
      assert.match(log, new RegExp(`args=1 first=iad-1 on v2.10.14\\+brownout secret=none cwd=${dir}`));
      assert.match(lines.join('\n'), /hook start for iad-1: done/);
      assert.equal(hooks.expectedVersion('v2.10.14+brownout'), '2.10.14+brownout');
    } finally {
      delete process.env.BROWNOUT_TEST_SECRET;
    }
  });

  it('hook runner - a non-zero exit rejects naming the hook, the server, the exit code, the last output and the log file', async () => {
    const hooks = createHookRunner({ workDir: dir, lameDuck: { argv: ['sh', '-c', 'echo no such server >&2; exit 3'], timeoutSeconds: 5 }, upgrade: { argv: ['nonexistent-hook-binary-xyz'], timeoutSeconds: 5 } }, { logDir: path.join(dir, 'hooks') });
    await assert.rejects(hooks.lameDuck(server, 'v2.10.14'), (err: Error) => {
      assert.match(err.message, /^hook lameDuck failed for iad-1: exited with code 3 after [\d.]+ s; last output: no such server \(output in .*iad-1\.lameDuck\.1\.log\)$/);
      return true;
    });
    // Only `upgrade`: stop is nothing, start runs the upgrade command.
    await hooks.stop(server, 'v2.10.14');
    await assert.rejects(hooks.start(server, 'v2.10.14'), /hook upgrade failed for iad-1: could not be started \(ENOENT: nonexistent-hook-binary-xyz\)/);
  });

  it('hook runner - a timeout kills the hook\'s whole process group (a child it backgrounded too) and says so; progress lines meanwhile', async () => {
    const lines: string[] = [];
    const hooks = createHookRunner({ workDir: dir, stop: { argv: ['sh', '-c', 'sleep 60 & echo $! > bg.pid; echo waiting; wait'], timeoutSeconds: 1 }, start: { argv: ['true'], timeoutSeconds: 1 } }, {
      logDir: path.join(dir, 'hooks'), progressEveryMs: 300, progress: { info: (l) => lines.push(l), step: (_l, f) => f() },
    });
    const t0 = Date.now();
    await assert.rejects(hooks.stop(server, 'v2.10.14'), /hook stop failed for iad-1: timed out after 1 s \(its process group was killed\); last output: waiting \(output in .*iad-1\.stop\.1\.log\)/);
    assert.ok(Date.now() - t0 < 5000, `gave up within the timeout and the kill (${Date.now() - t0} ms)`);
    const bg = Number(readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
    const end = Date.now() + 3000;
    while (alive(bg) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(bg), false, `the backgrounded sleep ${bg} was killed with its group`);
    assert.ok(lines.some((l) => /hook stop for iad-1: still running \(\d s of 1 s\); last output: waiting/.test(l)), lines.join('\n'));
  });
});
