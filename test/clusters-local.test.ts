import { clusterSuite } from './clusters-shared.ts';

describe('clusters local', () => {
  clusterSuite('local');
});
