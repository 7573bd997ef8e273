import { Command } from 'commander';
import { HarnessError } from '../errors.ts';

// Placeholder until the cluster command lands.
export function command(): Command {
  return new Command('cluster').description('not implemented yet').action(() => {
    throw new HarnessError('cluster is not implemented yet');
  });
}
