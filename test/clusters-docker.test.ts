import { requireDockerEngine } from './support/docker-engine.ts';
import { clusterSuite } from './clusters-shared.ts';

describe('clusters docker', function () {
  before(async function () {
    // Fails (not skips) in CI or when an engine is installed but silent: see support/docker-engine.ts.
    await requireDockerEngine(this);
  });
  clusterSuite('docker');
});
