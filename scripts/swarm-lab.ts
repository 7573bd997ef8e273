#!/usr/bin/env tsx
// npm run swarm-lab -- up|down|status: a real multi-node Docker swarm on this machine (several
// engines, each in its own namespaces, joined by a bridge) for the swarm backend's tests and benches.
// clusters/swarm-lab.ts does the work; see its header for what up creates and down removes.
import { Command, Option } from 'commander';
import { createProgress } from '../core/progress.ts';
import { BadInputError } from '../core/errors.ts';
import { DEFAULT_LAB_REGIONS, MAX_LAB_NODES } from '../clusters/swarm-lab-plan.ts';
import { labDown, labLeftovers, labStatus, labUp } from '../clusters/swarm-lab.ts';
import { runMain } from './lib/run-main.ts';

const write = (l: string) => process.stdout.write(l + '\n');

function parseRegions(v: string): string[] {
  const r = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = r.filter((x) => !/^[a-z][a-z0-9]{1,15}$/.test(x));
  if (r.length < 1 || r.length > MAX_LAB_NODES || bad.length || new Set(r).size !== r.length) {
    throw new BadInputError(`--regions: "${v}"`, { problems: [`--regions: 1..${MAX_LAB_NODES} distinct names as topologies name regions (2-16 lowercase letters and digits, starting with a letter), one node each`] });
  }
  return r;
}

const program = new Command('swarm-lab').description('a local multi-engine Docker swarm for the swarm backend (needs root)');
program.command('up')
  .description('start one engine per region, join them into one swarm, label and load images (idempotent)')
  .addOption(new Option('--regions <list>', `node i carries brownout.region=<i-th name>`).default(DEFAULT_LAB_REGIONS.join(',')))
  .action(async (o: { regions: string }) => {
    await labUp({ regions: parseRegions(o.regions), progress: createProgress('swarm-lab') });
    await printStatus();
  });
program.command('down')
  .description('stop every lab engine and remove its namespaces, links, FORWARD rule and data')
  .action(async () => {
    await labDown(createProgress('swarm-lab'));
    const left = await labLeftovers();
    if (left.length) {
      for (const l of left) write(`left: ${l}`);
      process.exitCode = 4;
    } else write('swarm lab: nothing left');
  });
program.command('status').description('engines, swarm membership, labels, and the environment to reach them').action(printStatus);

async function printStatus(): Promise<void> {
  const s = await labStatus();
  for (const n of s.nodes) write(`${n.name}  ${n.ip}  region=${n.region}  engine=${n.engine ? 'up' : 'down'}  swarm=${n.swarm}`);
  for (const p of s.problems) write(`problem: ${p}`);
  write(s.up ? 'swarm lab: up' : 'swarm lab: not up');
  if (s.up) for (const [k, v] of Object.entries(s.env)) write(`export ${k}=${v}`);
  if (!s.up) process.exitCode = 3;
}

await runMain(program);
