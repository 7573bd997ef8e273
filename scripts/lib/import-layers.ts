// The one-way import rule (DESIGN, Layout): core/ at the bottom, then clusters/, then chaos/ (a
// fault acts on a cluster), then harness/, then the entry points. A file may import its own layer
// or any layer below it; an import that points up is a violation. Pure, plus one reader of the tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const LAYERS: Readonly<Record<string, number>> = {
  core: 0, clusters: 1, chaos: 2, harness: 3, scripts: 4, bench: 4, test: 4, dashboards: 4, bin: 4,
};

export interface SourceFile { file: string; text: string }
export interface Violation { file: string; imports: string; line: number }

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const topOf = (file: string): string => file.split('/')[0]!;

/** Every relative import that points to a higher layer than the file's own. Paths are repo-relative. */
export function upwardImports(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const { file, text } of files) {
    const own = LAYERS[topOf(file)];
    if (own === undefined) continue;
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const layer = LAYERS[topOf(target)];
      if (layer !== undefined && layer > own) {
        out.push({ file, imports: target, line: text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0) });
      }
    }
  }
  return out;
}

/** The repository's TypeScript files (tests included), repo-relative with `/` separators. */
export function readSources(root: string): SourceFile[] {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
    if (n === 'node_modules' || n.startsWith('.') || n === 'build' || n === 'runs' || n === 'dist') return [];
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.ts') ? [p] : [];
  });
  return Object.keys(LAYERS).flatMap((top) => {
    const dir = path.join(root, top);
    try { statSync(dir); } catch { return []; }
    return walk(dir).map((p) => ({ file: path.relative(root, p).split(path.sep).join('/'), text: readFileSync(p, 'utf8') }));
  });
}
