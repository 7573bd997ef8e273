// How big report.html is and how long writing it takes, on the recorded one-minute 3×3 runs
// (harness/verdict/recorded/): goal under 2 MB and under 2 s, from reading timeline.ndjson to the
// file on disk. The compare page (two runs overlaid) is measured too. Each case is written
// BROWNOUT_BENCH_REPEAT times (default 5); the first write in the process is reported apart, since
// it pays for the charting library's JIT warm-up.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../core/layout.ts';
import path from 'node:path';
import { RECORDED_RUNS, recordedRun, recordedTimelineText, type RecordedRun } from '../harness/report/recorded-runs.ts';
import { readRunSummary } from '../harness/report/run-summary.ts';
import { readRunRecords, writeComparisonReport, writeHtmlReport } from '../harness/report/write-html-report.ts';

const MAX_BYTES = 2 * 2 ** 20;
const MAX_MS = 2000;

interface Row { case: string; records: number; bytes: number; firstMs: number; medianMs: number; maxMs: number; ok: boolean }

/** ms from importing the report writer to report.html on disk, in a new node process (tsx loader). */
function coldWrite(dir: string): number {
  const writer = pathToFileURL(path.join(REPO_ROOT, 'harness/report/write-html-report.ts')).href;
  const summary = pathToFileURL(path.join(REPO_ROOT, 'harness/report/run-summary.ts')).href;
  const script = `const t0 = performance.now();
const { writeHtmlReport } = await import(${JSON.stringify(writer)});
const { readRunSummary } = await import(${JSON.stringify(summary)});
writeHtmlReport(${JSON.stringify(dir)}, readRunSummary(${JSON.stringify(dir)}));
process.stdout.write(String(Math.round(performance.now() - t0)));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  return Number(out.trim());
}

function time(fn: () => string): { ms: number; file: string } {
  const t0 = performance.now();
  const file = fn();
  return { ms: performance.now() - t0, file };
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const repeat = Number(process.env.BROWNOUT_BENCH_REPEAT ?? 5);
  const root = mkdtempSync(path.join(tmpdir(), 'brownout-report-bench-'));
  try {
    const dirs = new Map<RecordedRun, string>();
    for (const name of RECORDED_RUNS) {
      const dir = path.join(root, name);
      const { summary } = recordedRun(name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'timeline.ndjson'), recordedTimelineText(name));
      writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
      dirs.set(name, dir);
    }
    const cases: { name: string; records: () => number; write: () => string }[] = [
      ...[...dirs].map(([name, dir]) => ({
        name: `report.html ${name}`,
        records: () => readRunRecords(dir).length,
        // What writeRunReports does for report.html: read the timeline, render, write.
        write: () => writeHtmlReport(dir, readRunSummary(dir)),
      })),
      {
        name: 'compare.html packet-loss stock vs patched',
        records: () => readRunRecords(dirs.get('packet-loss-stock')!).length + readRunRecords(dirs.get('packet-loss-patched')!).length,
        write: () => writeComparisonReport(dirs.get('packet-loss-stock')!, dirs.get('packet-loss-patched')!),
      },
    ];
    const rows: Row[] = [];
    for (const c of cases) {
      const times: number[] = [];
      let file = '';
      for (let i = 0; i < repeat; i++) ({ ms: times[i], file } = time(c.write));
      const sorted = [...times].sort((a, b) => a - b);
      const bytes = statSync(file).size;
      const maxMs = sorted[sorted.length - 1]!;
      rows.push({
        case: c.name, records: c.records(), bytes, firstMs: Math.round(times[0]!), medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!),
        maxMs: Math.round(maxMs), ok: bytes < MAX_BYTES && maxMs < MAX_MS,
      });
    }
    // A fresh process, as at the end of a real run: loading the report modules and ECharts counts.
    const dir = dirs.get('packet-loss-stock')!;
    const cold = coldWrite(dir);
    const bytes = statSync(path.join(dir, 'report.html')).size;
    rows.push({ case: 'report.html packet-loss-stock, fresh process (modules and ECharts loaded)', records: readRunRecords(dir).length, bytes, firstMs: cold, medianMs: cold, maxMs: cold, ok: bytes < MAX_BYTES && cold < MAX_MS });
    const markdown = [
      `Recorded one-minute 3×3 runs (local backend, seed 1); ${repeat} writes per case; goal < 2 MB and < ${MAX_MS} ms per write`,
      '(read timeline.ndjson, render every chart to SVG with ECharts, write the file). "first" is the first write of the case',
      'in this process (the very first one also warms up the charting library).',
      '',
      '| case | records | size | first ms | median ms | max ms | within goal |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.case} | ${r.records} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.firstMs} | ${r.medianMs} | ${r.maxMs} | ${r.ok ? 'yes' : '**no**'} |`),
    ].join('\n');
    return { name: 'report.html size and write time', markdown, data: rows };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
