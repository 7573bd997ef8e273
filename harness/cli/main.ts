// Entry point for every npm command that drives clusters: `npm run cluster|chaos|gate|rollout|watch -- ...`.
// Each command lives in its own file and exports `command(): Command`; its action is a plain
// exported function the tests call in-process.
import { Command } from 'commander';
import { EXIT, exitCodeOf, formatError } from '../../core/errors.ts';

const commands: Record<string, () => Promise<{ command(): Command }>> = {
  cluster: () => import('./cluster.ts'),
  chaos: () => import('./chaos.ts'),
  gate: () => import('./gate.ts'),
  rollout: () => import('./rollout.ts'),
  watch: () => import('./watch.ts'),
};

async function main(argv: string[]): Promise<number> {
  const program = new Command('brownout').exitOverride();
  const name = argv[2];
  const load = name === undefined ? undefined : commands[name];
  if (!load) {
    process.stderr.write(`usage: npm run <${Object.keys(commands).join('|')}> -- [options]\n`);
    return EXIT.badInput;
  }
  program.addCommand((await load()).command());
  try {
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    // commander's own exits (help, version, unknown option) carry their code already.
    if (err && typeof err === 'object' && 'code' in err && String(err.code).startsWith('commander.')) {
      const exit = (err as { exitCode?: number }).exitCode ?? EXIT.badInput;
      return exit === 0 ? EXIT.pass : EXIT.badInput;
    }
    process.stderr.write(formatError(err) + '\n');
    return exitCodeOf(err);
  }
}

process.exitCode = await main(process.argv);
