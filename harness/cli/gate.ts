import { Command } from 'commander';
import { HarnessError } from '../errors.ts';

// Placeholder until the gate command lands.
export function command(): Command {
  return new Command('gate').description('not implemented yet').action(() => {
    throw new HarnessError('gate is not implemented yet');
  });
}
