// The one-way import rule (docs/ARCHITECTURE.md, layers): core/ at the bottom, then clusters/, then chaos/ (a
// fault acts on a cluster), then harness/, then the entry points. Inside harness/ the subfolders
// have an order of their own (HARNESS_ORDER). A file may import its own layer or any layer below
// it; an import that points up is a violation, and so is a circle of files importing each other.
// Pure, plus one reader of the tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const LAYERS: Readonly<Record<string, number>> = {
  core: 0, clusters: 1, chaos: 2, harness: 3, scripts: 4, bench: 4, test: 4, dashboards: 4, bin: 4,
};

/**
 * harness/'s rooms from the bottom up, one job each: builds; the timeline's records; the rollout's
 * data (state, phases, its canary series); metrics; the log-stream probe; the observer; verdicts;
 * reports (runs and rollouts); running a plan; the rollout controller and its gRPC service; the CLI.
 * machine.ts (what the machine has) sits with variants/, whose tools it checks.
 */
export const HARNESS_ORDER: readonly string[] = [
  'variants', 'timeline', 'rollout-model', 'metrics', 'probe', 'observe', 'verdict', 'report', 'run', 'rollout', 'cli',
];
const HARNESS_ROOM_OF_FILE: Readonly<Record<string, string>> = { 'machine.ts': 'variants' };

export interface SourceFile { file: string; text: string }
export interface Violation { file: string; imports: string; line: number }

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

const topOf = (file: string): string => file.split('/')[0]!;

/** A file's place: [top layer, harness room] (the room only counts inside harness/). */
function rank(file: string): [number, number] | undefined {
  // A test beside the code is a user of it, not a part: it may reach the fixtures under test/support.
  if (file.endsWith('.test.ts')) return [LAYERS.test!, 0];
  const top = LAYERS[topOf(file)];
  if (top === undefined) return undefined;
  if (topOf(file) !== 'harness') return [top, 0];
  const second = file.split('/')[1]!;
  const room = HARNESS_ROOM_OF_FILE[second] ?? second;
  const i = HARNESS_ORDER.indexOf(room);
  return [top, i < 0 ? HARNESS_ORDER.length : i];
}

/** Every relative import of `file`, resolved repo-relative, with its line. */
function importsOf({ file, text }: SourceFile): { target: string; line: number }[] {
  return [...text.matchAll(IMPORT)].map((m) => ({
    target: path.posix.normalize(path.posix.join(path.posix.dirname(file), (m[1] ?? m[2])!)),
    line: text.slice(0, m.index).split('\n').length + (m[0].startsWith('\n') ? 1 : 0),
  }));
}

/** Every relative import that points to a higher layer (or harness room) than the file's own. */
export function upwardImports(files: readonly SourceFile[]): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const own = rank(f.file);
    if (own === undefined) continue;
    for (const { target, line } of importsOf(f)) {
      const r = rank(target);
      if (r && (r[0] > own[0] || (r[0] === own[0] && own[0] === LAYERS.harness && r[1] > own[1]))) out.push({ file: f.file, imports: target, line });
    }
  }
  return out;
}

/** harness/ subfolders not in HARNESS_ORDER: each must be placed before it can be checked. */
export function unplacedHarnessRooms(files: readonly SourceFile[]): string[] {
  const rooms = new Set(files.filter((f) => topOf(f.file) === 'harness' && f.file.split('/').length > 2).map((f) => f.file.split('/')[1]!));
  return [...rooms].filter((r) => !HARNESS_ORDER.includes(r)).sort();
}

/** Circles of files that import each other (type-only imports included), each listed once. */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.file));
  const edges = new Map(files.map((f) => [f.file, [...new Set(importsOf(f).map((i) => i.target).filter((t) => known.has(t)))]]));
  // Tarjan's strongly connected components: a component of two or more files is a circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const f of [...known].sort()) if (!index.has(f)) visit(f);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
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
