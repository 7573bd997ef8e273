#!/usr/bin/env tsx
// npm run setup [-- --require-docker]: check and prepare this machine; exit 3 with a hint when
// something required is missing.
import { Command } from 'commander';
import { checkMachine } from '../harness/machine.ts';
import { runMain } from './lib/run-main.ts';

const program = new Command('setup')
  .description('Check Go and Node, and start a Docker engine when one is installed but idle')
  .option('--require-docker', 'fail (exit 3) when no Docker engine answers')
  .action(async (o: { requireDocker?: boolean }) => {
    const r = await checkMachine({ requireDocker: o.requireDocker });
    process.stdout.write(`node ${r.node}, ${r.go}, docker engine: ${r.docker}\n`);
    for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
  });

await runMain(program);
