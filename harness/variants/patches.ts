// A patch series: the ordered patch files of one folder, and applying them to a source tree.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { BadInputError } from '../../core/errors.ts';

export interface PatchFile {
  /** Absolute path. */
  file: string;
  sha256: string;
  bytes: Buffer;
}

/** The series file lists patch names in order; without one, every *.patch sorted by name. */
export function readSeries(dir: string): PatchFile[] {
  if (!existsSync(dir)) throw new BadInputError(`patch folder ${dir} does not exist`);
  const seriesFile = path.join(dir, 'series');
  const names = existsSync(seriesFile)
    ? readFileSync(seriesFile, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    : readdirSync(dir).filter((n) => n.endsWith('.patch')).sort();
  const problems = names.filter((n) => !existsSync(path.join(dir, n))).map((n) => `${seriesFile}: lists ${n}, which is not in ${dir}`);
  if (problems.length) throw new BadInputError(`patch series in ${dir} is incomplete`, { problems });
  return names.map((n) => {
    const file = path.join(dir, n);
    const bytes = readFileSync(file);
    return { file, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** A patch's short label: the first word after its number (`0001-statsz-rate-limit.patch` → `statsz`). */
export function patchLabel(file: string): string {
  const base = path.basename(file).replace(/\.patch$/, '');
  const words = base.split('-').filter((w) => !/^\d+$/.test(w));
  return (words[0] ?? base).toLowerCase();
}

/**
 * Pure: the patches of a series that `selectors` name, in series order. A selector is a patch's
 * number prefix (`0001`), its label (`statsz`) or its file name; every selector must match exactly one.
 */
export function selectPatches<P extends Pick<PatchFile, 'file'>>(series: P[], selectors: string[], where: string): P[] {
  const problems: string[] = [];
  const picked = new Set<P>();
  const allowed = series.map((p) => `${path.basename(p.file).split('-')[0]} (${patchLabel(p.file)})`).join(', ');
  if (!selectors.length) problems.push(`${where}: names no patch; allowed: ${allowed}`);
  for (const sel of selectors) {
    const hits = series.filter((p) => {
      const base = path.basename(p.file);
      return base === sel || base.split('-')[0] === sel || patchLabel(p.file) === sel.toLowerCase();
    });
    if (hits.length === 1) picked.add(hits[0]!);
    else problems.push(`${where}: ${JSON.stringify(sel)} matches ${hits.length ? hits.length + ' patches' : 'no patch'}; allowed: ${allowed}`);
  }
  if (problems.length) throw new BadInputError('--patches: a selector does not name one patch of the series', { problems });
  return series.filter((p) => picked.has(p));
}

/**
 * Apply patches in order to a tree that is its own git repository (so paths are relative to it).
 * Each patch is checked before it is applied; the caller throws the tree away on failure, so
 * nothing half-applied survives. `include` limits a patch to matching paths (e.g. only tests).
 */
export async function applySeries(srcDir: string, patches: PatchFile[], include?: string): Promise<void> {
  const includeArgs = include ? [`--include=${include}`] : [];
  for (const p of patches) {
    const check = await $({ cwd: srcDir, nothrow: true, quiet: true })`git apply --check -v ${includeArgs} ${p.file}`;
    if (check.exitCode !== 0) throw patchDoesNotApply(p, check.stderr);
    await $({ cwd: srcDir, quiet: true })`git apply ${includeArgs} ${p.file}`;
  }
}

/** Turn git's complaint into: which patch, which target file, which hunk. */
export function patchDoesNotApply(p: Pick<PatchFile, 'file' | 'bytes'>, gitStderr: string): BadInputError {
  const failed = /error: patch failed: (.+):(\d+)/.exec(gitStderr);
  const missing = /error: (.+): (No such file or directory|does not exist in index)/.exec(gitStderr);
  const target = failed?.[1] ?? missing?.[1] ?? /error: (.+): patch does not apply/.exec(gitStderr)?.[1];
  const hunk = failed ? findHunk(p.bytes.toString('utf8'), failed[1]!, Number(failed[2])) : undefined;
  const where = [
    target ? `target file ${target}` : undefined,
    hunk ? `hunk #${hunk.index} ${hunk.header}` : failed ? `at line ${failed[2]}` : undefined,
  ].filter(Boolean).join(', ');
  return new BadInputError(`patch ${p.file} does not apply${where ? `: ${where}` : ''}`, {
    problems: gitStderr.split('\n').filter((l) => l.startsWith('error:')),
    hint: 'rebase the patch on this upstream version, or pick the version it was written for (--version)',
  });
}

/** The hunk of `target` whose old-file range starts at `line` (git reports that line). */
export function findHunk(patch: string, target: string, line: number): { index: number; header: string } | undefined {
  let inTarget = false;
  let index = 0;
  for (const l of patch.split('\n')) {
    if (l.startsWith('diff --git ')) {
      inTarget = l.endsWith(` b/${target}`);
      index = 0;
    } else if (inTarget && l.startsWith('@@ ')) {
      index++;
      const m = /^@@ -(\d+)/.exec(l);
      if (m && Number(m[1]) === line) return { index, header: l.replace(/ @@.*$/, ' @@') };
    }
  }
  return undefined;
}
