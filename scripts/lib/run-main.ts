// Run a commander program as a script: user errors print cleanly and map to the design's exit codes.
// The `brownout` command (bin/brownout.ts) imports the same scripts as subcommands: while it loads
// one through `captureCommand`, the script's runMain hands its program over instead of parsing.
import type { Command } from 'commander';
import { HarnessError, exitCodeOf, formatError } from '../../core/errors.ts';

let capture: ((program: Command) => void) | undefined;

/** Import a script module (which ends in `await runMain(program)`) and return its program, unparsed. */
export async function captureCommand(load: () => Promise<unknown>): Promise<Command> {
  let program: Command | undefined;
  capture = (p) => { program = p; };
  try {
    await load();
  } finally {
    capture = undefined;
  }
  if (!program) throw new HarnessError('a script loaded as a subcommand did not call runMain (or was loaded twice)');
  return program;
}

/** Commander exits the process itself unless every command, subcommands included, is overridden. */
function overrideExits(c: Command): void {
  c.exitOverride();
  for (const sub of c.commands) overrideExits(sub);
}

export async function runMain(program: Command, argv = process.argv): Promise<void> {
  if (capture) {
    capture(program);
    return;
  }
  overrideExits(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && String(err.code).startsWith('commander.')) {
      process.exitCode = (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
      return;
    }
    process.stderr.write(formatError(err) + '\n');
    process.exitCode = exitCodeOf(err);
  }
}
