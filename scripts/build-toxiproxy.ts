#!/usr/bin/env tsx
// npm run build:toxiproxy -- [--no-images]: Toxiproxy's server and CLI from the pinned Go module
// (github.com/Shopify/toxiproxy/v2), cached by input hash, with a FROM scratch image when an engine answers.
import { Command } from 'commander';
import { buildToxiproxy } from '../harness/variants/toxiproxy.ts';
import { renderBuildTable } from '../harness/variants/build-all.ts';
import { TOXIPROXY_VERSION } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { runMain } from './lib/run-main.ts';

const program = new Command('build:toxiproxy')
  .description(`Build Toxiproxy ${TOXIPROXY_VERSION} (server and CLI) from its Go module, with a Docker image when an engine answers`)
  .option('--no-images', 'do not build the Docker image')
  .action(async (o: { images: boolean }) => {
    const result = await buildToxiproxy(TOXIPROXY_VERSION, { images: o.images ? 'auto' : 'skip', progress: createProgress('build') });
    process.stdout.write(renderBuildTable([result]) + '\n');
  });

await runMain(program);
