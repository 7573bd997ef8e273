#!/usr/bin/env tsx
// npm run bench [-- NAME ...]: run the benchmarks under bench/ (all, or those named) and write each
// result to bench/results/<name>.json and .md. Timings are compared as ratios within one run,
// never against fixed numbers: the machines are shared and noisy.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { BadInputError } from '../core/errors.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { runMain } from './lib/run-main.ts';

interface BenchModule {
  run(): Promise<{ name: string; markdown: string; data: unknown }>;
}

const BENCH_DIR = path.join(REPO_ROOT, 'bench');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');

const program = new Command('bench')
  .description('Run benchmarks and write their results to bench/results/')
  .argument('[names...]', 'benchmarks to run (default: all)')
  .action(async (names: string[]) => {
    const known = readdirSync(BENCH_DIR).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length) {
      throw new BadInputError(`unknown benchmark ${unknown.join(', ')}`, { problems: [`known benchmarks: ${known.join(', ')}`] });
    }
    const progress = createProgress('bench');
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (const name of names.length ? names : known) {
      const mod = (await import(path.join(BENCH_DIR, `${name}.bench.ts`))) as BenchModule;
      const result = await progress.step(name, () => mod.run());
      const stamp = `_Run ${new Date().toISOString()} on ${process.platform}/${process.arch}, node ${process.version}._\n\n`;
      writeFileSync(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify(result.data, null, 2) + '\n');
      writeFileSync(path.join(RESULTS_DIR, `${name}.md`), `# ${result.name}\n\n${stamp}${result.markdown}\n`);
      progress.info(`wrote bench/results/${name}.md`);
    }
  });

await runMain(program);
