// Proof that each patch fixes its bug: the Go tests a patch adds run on stock (with only the test
// files applied) and on the patched tree. `TestBrownoutFix*` must fail on stock and pass patched;
// `TestBrownoutGuard*` guard behaviour the fix must keep, and pass on both.
import path from 'node:path';
import { $ } from 'zx';
import { HarnessError } from '../../core/errors.ts';
import { NATS_MODULE } from '../../core/layout.ts';
import { downloadModule } from './go.ts';
import { applySeries } from './patches.ts';
import { freshSourceTree, workDir } from './build-module.ts';
import { buildVariant, resolveVariant } from './variant.ts';
import { silentProgress, type Progress } from '../../core/progress.ts';

export type Outcome = 'pass' | 'fail' | 'missing';

export interface PatchTestRow {
  test: string;
  role: 'fix' | 'guard';
  stock: Outcome;
  patched: Outcome;
  expected: { stock: Outcome; patched: Outcome };
  ok: boolean;
}

export interface PatchTestReport {
  tag: string;
  variant: string;
  rows: PatchTestRow[];
  ok: boolean;
}

/** Outcomes of top-level tests from `go test -json` output (subtests are folded into their parent). */
export function parseGoTestJson(ndjson: string): Map<string, 'pass' | 'fail'> {
  const out = new Map<string, 'pass' | 'fail'>();
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{')) continue;
    let ev: { Action?: string; Test?: string };
    try {
      ev = JSON.parse(line);
    } catch {
      continue;
    }
    if (!ev.Test || ev.Test.includes('/')) continue;
    if (ev.Action === 'pass' || ev.Action === 'fail') out.set(ev.Test, ev.Action);
  }
  return out;
}

/** Pure: join both sides' outcomes with what each test's role expects. */
export function judgePatchTests(stock: Map<string, 'pass' | 'fail'>, patched: Map<string, 'pass' | 'fail'>): PatchTestRow[] {
  const names = [...new Set([...stock.keys(), ...patched.keys()])].sort();
  return names.map((test) => {
    const role = test.startsWith('TestBrownoutFix') ? 'fix' : 'guard';
    const expected = { stock: role === 'fix' ? 'fail' : 'pass', patched: 'pass' } as const;
    const row = { test, role, stock: stock.get(test) ?? 'missing', patched: patched.get(test) ?? 'missing', expected } as const;
    return { ...row, ok: row.stock === expected.stock && row.patched === expected.patched };
  });
}

async function goTest(srcDir: string, label: string, progress: Progress): Promise<Map<string, 'pass' | 'fail'>> {
  const run = await progress.step(`go test ./server -run ^TestBrownout (${label})`, () =>
    $({ cwd: srcDir, nothrow: true, quiet: true, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } })`go test ./server -run ^TestBrownout -count=1 -json -timeout 600s`,
  );
  const results = parseGoTestJson(run.stdout);
  if (results.size === 0) {
    const tail = (run.stdout + run.stderr).split('\n').filter((l) => !l.startsWith('{')).slice(-15).join('\n');
    throw new HarnessError(`no TestBrownout test ran on ${label} (exit ${run.exitCode}); build output:\n${tail}`);
  }
  return results;
}

export async function runPatchTests(tag: string, opts: { progress?: Progress } = {}): Promise<PatchTestReport> {
  const progress = opts.progress ?? silentProgress;
  const patched = await buildVariant({ tag, patches: 'default' }, { progress, images: 'skip' });
  const variant = resolveVariant({ tag, patches: 'default' });
  if (variant.patches.length === 0) throw new HarnessError(`patches/${tag} has no patches, so there is nothing to test`);
  // Stock with the patches' test files only: the tests must compile against unpatched code.
  const stockSrc = path.join(workDir(`${tag}+tests-only`), 'src');
  const mod = await downloadModule(NATS_MODULE, tag);
  await progress.step(`stock ${tag} + test files only`, async () => {
    await freshSourceTree(mod, stockSrc);
    await applySeries(stockSrc, variant.patches, '*_test.go');
  });
  const stock = await goTest(stockSrc, `stock ${tag}`, progress);
  const fixed = await goTest(patched.srcDir, variant.name, progress);
  const rows = judgePatchTests(stock, fixed);
  return { tag, variant: variant.name, rows, ok: rows.length > 0 && rows.every((r) => r.ok) && rows.some((r) => r.role === 'fix') };
}
