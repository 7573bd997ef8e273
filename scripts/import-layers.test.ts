import assert from 'node:assert/strict';
import { REPO_ROOT } from '../core/layout.ts';
import { HARNESS_ORDER, importCycles, readSources, unplacedHarnessRooms, upwardImports } from './lib/import-layers.ts';

describe('import layers', () => {
  const tree = readSources(REPO_ROOT);

  it('import layers - no file imports from a layer above its own (core < clusters < chaos < harness rooms < entry points)', () => {
    assert.deepEqual(upwardImports(tree).map((v) => `${v.file}:${v.line} imports ${v.imports}`), []);
  });

  it('import layers - no files import each other in a circle', () => {
    assert.deepEqual(importCycles(tree), []);
  });

  it('import layers - every harness/ room has its place in HARNESS_ORDER', () => {
    assert.deepEqual(unplacedHarnessRooms(tree), []);
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

  it('import layers - inside harness/, a room importing a room above it is found; below is allowed; a test beside the code may reach anything', () => {
    assert.ok(HARNESS_ORDER.indexOf('report') < HARNESS_ORDER.indexOf('rollout'));
    const files = [
      { file: 'harness/report/rollout-html.ts', text: "import type { RolloutState } from '../rollout/controller/state.ts';\n" },
      { file: 'harness/rollout/controller/report.ts', text: "import { renderJunit } from '../../report/junit.ts';\n" },
      { file: 'harness/metrics/m.ts', text: "import { slidingPeak } from '../observe/statsz-counter.ts';\n" },
      { file: 'harness/observe/o.ts', text: "import { BrownoutMetrics } from '../metrics/brownout-metrics.ts';\n" },
      { file: 'harness/verdict/judge.test.ts', text: "import { x } from '../../test/support/timeline-fixtures.ts';\n" },
    ];
    assert.deepEqual(upwardImports(files).map((v) => `${v.file} → ${v.imports}`), [
      'harness/report/rollout-html.ts → harness/rollout/controller/state.ts',
      'harness/metrics/m.ts → harness/observe/statsz-counter.ts',
    ]);
  });

  it('import layers - a circle of files is found, each once; a room not placed in the order is named', () => {
    const files = [
      { file: 'harness/rollout/playbook/validate-gates.ts', text: "import type { ParsedStage } from './validate-stage.ts';\n" },
      { file: 'harness/rollout/playbook/validate-stage.ts', text: "import { validateGates } from './validate-gates.ts';\n" },
      { file: 'harness/rollout/playbook/schema.ts', text: "import { z } from 'zod';\n" },
      { file: 'harness/newroom/a.ts', text: '' },
    ];
    assert.deepEqual(importCycles(files), [['harness/rollout/playbook/validate-gates.ts', 'harness/rollout/playbook/validate-stage.ts']]);
    assert.deepEqual(unplacedHarnessRooms(files), ['newroom']);
  });
});
