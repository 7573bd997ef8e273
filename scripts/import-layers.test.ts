import assert from 'node:assert/strict';
import { REPO_ROOT } from '../core/layout.ts';
import { readSources, upwardImports } from './lib/import-layers.ts';

describe('import layers', () => {
  it('import layers - no file imports from a layer above its own (core < clusters < chaos < harness < entry points)', () => {
    const bad = upwardImports(readSources(REPO_ROOT));
    assert.deepEqual(bad.map((v) => `${v.file}:${v.line} imports ${v.imports}`), []);
  });

  it('import layers - an upward import is found, with its file and line; sideways and downward ones are not', () => {
    const files = [
      { file: 'clusters/links.ts', text: "import { x } from './topology.ts';\nimport { judge } from '../harness/verdict/judge.ts';\n" },
      { file: 'core/errors.ts', text: "export { y } from '../chaos/rng.ts';\n" },
      { file: 'chaos/fault.ts', text: "import type { StartedCluster } from '../clusters/index.ts';\nimport { BadInputError } from '../core/errors.ts';\n" },
      { file: 'harness/run/x.ts', text: "const m = await import('../../scripts/bench.ts');\n" },
    ];
    assert.deepEqual(upwardImports(files).map((v) => `${v.file}:${v.line} → ${v.imports}`), [
      'clusters/links.ts:2 → harness/verdict/judge.ts',
      'core/errors.ts:1 → chaos/rng.ts',
      'harness/run/x.ts:1 → scripts/bench.ts',
    ]);
  });
});
