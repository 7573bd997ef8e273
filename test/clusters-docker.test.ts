import { dockerAvailable } from '../clusters/docker-resources.ts';
import { clusterSuite } from './clusters-shared.ts';

describe('clusters docker', function () {
  before(async function () {
    if (!(await dockerAvailable())) this.skip();
  });
  clusterSuite('docker');
});
