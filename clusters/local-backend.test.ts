import assert from 'node:assert/strict';
import { BadInputError } from '../core/errors.ts';
import { silentProgress } from '../core/progress.ts';
import { LocalBackend } from './local-backend.ts';
import { generateSecrets } from './secrets.ts';
import { parseTopology, presets } from './topology.ts';

describe('clusters local backend', () => {
  it('local backend - refuses docker-only resources before it starts anything', async () => {
    const t = parseTopology({ ...presets['two-regions'], docker: { memoryMiB: 40, restart: 'on-failure' } });
    await assert.rejects(LocalBackend.start(t, '/nonexistent/brownout-test', generateSecrets(), silentProgress), (e: unknown) =>
      e instanceof BadInputError && e.problems.length === 2 && e.problems.every((p) => /^docker\.\w+: docker backend only;/.test(p)));
  });
});
