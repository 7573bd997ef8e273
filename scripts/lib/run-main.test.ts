import assert from 'node:assert/strict';
import { Command } from 'commander';
import { captureCommand, runMain } from './run-main.ts';

describe('run main', () => {
  afterEach(() => { process.exitCode = undefined; });

  it('run main - a script loaded through captureCommand hands its program over without parsing', async () => {
    let ran = false;
    const program = new Command('build:thing').action(() => { ran = true; });
    const got = await captureCommand(() => runMain(program, ['node', 'x']));
    assert.equal(got, program);
    assert.equal(ran, false);
    await runMain(program, ['node', 'x']); // outside a capture it parses and runs
    assert.equal(ran, true);
  });

  it('run main - a loader that never calls runMain is a harness error, not a silent no-op', async () => {
    await assert.rejects(captureCommand(async () => {}), /did not call runMain/);
  });

  it('run main - a bad option in a subcommand exits 2 instead of commander exiting the process', async () => {
    const program = new Command('brownout').addCommand(new Command('chaos').option('--seed <n>').action(() => {}));
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await runMain(program, ['node', 'brownout', 'chaos', '--bogus']);
    } finally {
      process.stderr.write = stderr;
    }
    assert.equal(process.exitCode, 2);
  });
});
