#!/usr/bin/env tsx
// npm run clean: remove what earlier runs left — processes (found by their run directory), containers,
// networks and volumes (by run label), state files — including clusters left up on purpose.
// Runs whose harness is still alive are skipped: they belong to someone working right now.
import { Command } from 'commander';
import { reapLeftovers } from '../clusters/index.ts';
import { runMain } from './lib/run-main.ts';

export async function clean(write: (l: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const r = await reapLeftovers({ all: true });
  for (const line of r.removed) write(`removed ${line}`);
  for (const line of r.skipped) write(`skipped ${line}`);
  for (const line of r.failed) write(`could not remove ${line}`);
  if (r.removed.length === 0 && r.failed.length === 0) write('nothing to clean');
  if (r.failed.length > 0) process.exitCode = 4;
}

const program = new Command('clean')
  .description('remove every process, container, network and proxy earlier runs left')
  .action(() => clean());

await runMain(program);
