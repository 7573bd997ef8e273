#!/usr/bin/env tsx
// npm run build:nats -- [--version v2.10.14] [--patches default|default:SEL[,SEL]|none|DIR ...] [--no-images] [--test]
import { Command } from 'commander';
import Table from 'cli-table3';
import { buildAll, renderBuildTable } from '../harness/variants/build-all.ts';
import { runPatchTests, type PatchTestReport } from '../harness/variants/patch-tests.ts';
import { DEFAULT_NATS_TAG } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { EXIT } from '../core/errors.ts';
import { runMain } from './lib/run-main.ts';

export function renderPatchTests(r: PatchTestReport): string {
  const table = new Table({ style: { head: [], border: [] }, head: ['go test', 'role', `stock ${r.tag}`, r.variant, 'expected', 'ok'] });
  for (const row of r.rows) {
    table.push([row.test, row.role, row.stock, row.patched, `${row.expected.stock} / ${row.expected.patched}`, row.ok ? 'yes' : 'NO']);
  }
  return table.toString();
}

const program = new Command('build:nats')
  .description('Build nats-server variants (patched and stock by default) and Toxiproxy, with Docker images when an engine answers')
  .option('--version <tag>', 'upstream nats-server tag', DEFAULT_NATS_TAG)
  .option('--patches <which...>', 'default (patches/<tag>/), default:SEL[,SEL] (only those patches of it, by number or label: default:0001, default:gateway), none (stock) or a folder; repeatable')
  .option('--no-images', 'do not build Docker images')
  .option('--no-toxiproxy', 'do not build Toxiproxy')
  .option('--test', "run each patch's Go tests on stock and patched and check fail-on-stock / pass-on-patched")
  .action(async (o: { version: string; patches?: string[]; images: boolean; toxiproxy: boolean; test?: boolean }) => {
    const progress = createProgress('build');
    const results = await buildAll({ tag: o.version, patches: o.patches, images: o.images ? 'auto' : 'skip', toxiproxy: o.toxiproxy, progress });
    process.stdout.write(renderBuildTable(results) + '\n');
    if (o.test) {
      const report = await runPatchTests(o.version, { progress });
      process.stdout.write(renderPatchTests(report) + '\n');
      if (!report.ok) {
        process.stdout.write('patch tests: a Fix test did not fail on stock, or a test did not pass on the patched variant\n');
        process.exitCode = EXIT.thresholdFailed;
      }
    }
  });

await runMain(program);
