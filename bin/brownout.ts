#!/usr/bin/env node
// `brownout <command>`: the installed tool. Each command is the one the npm scripts run inside the
// repository (`npm run chaos -- ...` is `brownout chaos ...`); only the command named is loaded.
import { Command } from 'commander';
import { BUILD_DIR, RUNS_DIR, packageVersion } from '../core/layout.ts';
import { captureCommand, runMain } from '../scripts/lib/run-main.ts';

const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  setup: () => captureCommand(() => import('../scripts/setup.ts')),
  'build:nats': () => captureCommand(() => import('../scripts/build-nats.ts')),
  'build:toxiproxy': () => captureCommand(() => import('../scripts/build-toxiproxy.ts')),
  cluster: async () => (await import('../harness/cli/cluster.ts')).command(),
  chaos: async () => (await import('../harness/cli/chaos.ts')).command(),
  gate: async () => (await import('../harness/cli/gate.ts')).command(),
  rollout: async () => (await import('../harness/cli/rollout.ts')).command(),
  watch: async () => (await import('../harness/cli/watch.ts')).command(),
  clean: () => captureCommand(() => import('../scripts/clean.ts')),
  'swarm-lab': () => captureCommand(() => import('../scripts/swarm-lab.ts')),
};

const program = new Command('brownout')
  .description('Prove a patched nats-server safe before it reaches production: build variants, boot multi-region super-clusters behind Toxiproxy, inject faults, judge thresholds')
  .version(packageVersion())
  .addHelpText('after', `\nBuilds are kept in ${BUILD_DIR} (BROWNOUT_CACHE or BROWNOUT_BUILD_DIR to move them).\nRuns are written under ${RUNS_DIR} (BROWNOUT_RUNS_DIR to move them).\nExit codes: 0 pass, 1 a threshold failed, 2 bad input, 3 environment missing, 4 harness error, 130 interrupted.`);

// Help (or a mistyped command, which commander answers with a suggestion) needs every command's description.
const named = process.argv[2];
const load = named !== undefined && Object.hasOwn(COMMANDS, named) ? [COMMANDS[named]!] : Object.values(COMMANDS);
for (const l of load) program.addCommand(await l());

await runMain(program);
