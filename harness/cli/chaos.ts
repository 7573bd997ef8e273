import { Command } from 'commander';
import { HarnessError } from '../errors.ts';

// Placeholder until the chaos command lands.
export function command(): Command {
  return new Command('chaos').description('not implemented yet').action(() => {
    throw new HarnessError('chaos is not implemented yet');
  });
}
