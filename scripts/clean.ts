#!/usr/bin/env tsx
// npm run clean: remove what earlier runs left — processes (as recorded, or our own binaries naming the
// run folder), containers, networks and volumes (by run label), state files — including clusters left
// up on purpose. A cluster whose owner process still runs is skipped, detached or not (a rollout
// controller keeps its cluster detached for its resume): someone is working on it right now.
import { Command } from 'commander';
import { reapLeftovers } from '../clusters/index.ts';
import { labDown, labOrphaned } from '../clusters/swarm-lab.ts';
import { silentProgress } from '../core/progress.ts';
import { runMain } from './lib/run-main.ts';

export async function clean(write: (l: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const r = await reapLeftovers({ all: true });
  // After the runs (their services live on it): a swarm lab a test brought up and did not take down.
  const lab = labOrphaned();
  if (lab) {
    await labDown(silentProgress);
    write('removed the swarm lab of a test that is gone (npm run swarm-lab)');
  }
  for (const line of r.removed) write(`removed ${line}`);
  for (const line of r.skipped) write(`skipped ${line}`);
  for (const line of r.failed) write(`could not remove ${line}`);
  for (const line of r.unreadable) write(`kept ${line}`);
  if (!lab && r.removed.length === 0 && r.failed.length === 0 && r.unreadable.length === 0) write('nothing to clean');
  if (r.failed.length > 0) process.exitCode = 4;
  else if (r.unreadable.length > 0) process.exitCode = 3;
}

const program = new Command('clean')
  .description('remove every process, container, network and proxy earlier runs left')
  .action(() => clean());

await runMain(program);
