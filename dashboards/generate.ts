#!/usr/bin/env tsx
// npm run dashboards: writes the generated Grafana dashboards (dashboards/json/) and the compose
// stack (docker-compose.yml, compose/) from code. `--check` writes nothing and exits 1 when a
// committed file differs from what the code makes. Tests call `generatedFiles()` directly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeFiles } from '../clusters/compose.ts';
import { REPO_ROOT } from '../core/layout.ts';
import { rolloutDashboard } from './rollout-dashboard.ts';
import { runDashboard } from './run-dashboard.ts';

export const DASHBOARD_FILES = {
  'dashboards/json/brownout-run.json': runDashboard,
  'dashboards/json/brownout-rollout.json': rolloutDashboard,
} as const;

/** Every generated file, repo-relative path → content. Pure. */
export function generatedFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, make] of Object.entries(DASHBOARD_FILES)) out[file] = `${JSON.stringify(withPanelIds(make().build()), null, 2)}\n`;
  return { ...out, ...composeFiles() };
}

/** Panel ids in layout order: Grafana links, shares and library panels address panels by id. */
function withPanelIds<T extends { panels?: { id?: number }[] }>(d: T): T {
  d.panels?.forEach((p, i) => { p.id ??= i + 1; });
  return d;
}

/** Generated files whose committed copy is missing or different. */
export function staleFiles(root = REPO_ROOT): string[] {
  return Object.entries(generatedFiles())
    .filter(([file, text]) => !existsSync(path.join(root, file)) || readFileSync(path.join(root, file), 'utf8') !== text)
    .map(([file]) => file);
}

function main(argv: string[]): number {
  if (argv.includes('--check')) {
    const stale = staleFiles();
    for (const f of stale) process.stdout.write(`stale: ${f} (run npm run dashboards)\n`);
    return stale.length > 0 ? 1 : 0;
  }
  for (const [file, text] of Object.entries(generatedFiles())) {
    const abs = path.join(REPO_ROOT, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    const before = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined;
    if (before !== text) writeFileSync(abs, text);
    process.stdout.write(`${before === text ? 'unchanged' : 'wrote'} ${file}\n`);
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
