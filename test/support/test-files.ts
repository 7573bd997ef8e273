// Which files `npm test` runs, in its order. Only `*.test.ts` is collected: fixtures that fail on
// purpose (test/support/fixtures/*.fixture.ts) never are, and test/runner-honesty.test.ts checks it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../core/layout.ts';

const UNIT_ROOTS = ['core', 'harness', 'clusters', 'chaos', 'scripts', 'dashboards', 'bench'];

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((n) => {
    const p = path.join(dir, n);
    if (n === 'node_modules') return [];
    if (statSync(p).isDirectory()) return findTests(p);
    return n.endsWith('.test.ts') ? [path.relative(REPO_ROOT, p)] : [];
  });
}

/** Unit tests first, then the build's own tests (they build what the rest use), then the rest. */
export function testFiles(): string[] {
  const unit = UNIT_ROOTS.flatMap((d) => findTests(path.join(REPO_ROOT, d)));
  const integration = findTests(path.join(REPO_ROOT, 'test'));
  const build = integration.filter((f) => path.basename(f).startsWith('build-'));
  return [...unit, ...build, ...integration.filter((f) => !build.includes(f))];
}

