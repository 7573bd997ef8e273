// Run a commander program as a script: user errors print cleanly and map to the design's exit codes.
import type { Command } from 'commander';
import { exitCodeOf, formatError } from '../../core/errors.ts';

export async function runMain(program: Command, argv = process.argv): Promise<void> {
  program.exitOverride();
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
