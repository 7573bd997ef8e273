import assert from 'node:assert/strict';
import { BadInputError } from '../core/errors.ts';
import { parseShape, shapeTopology } from './shapes.ts';

describe('bench shapes', () => {
  it('shapes - RxN and RxNpP name a topology; a bad shape names the variable and what is allowed', () => {
    assert.deepEqual(parseShape('4x24', 'X'), { label: '4x24', regions: 4, perRegion: 24 });
    assert.deepEqual(parseShape('4x24p1', 'X'), { label: '4x24p1', regions: 4, perRegion: 24, pool: 1 });
    const t = shapeTopology(parseShape('2x3p1', 'X'), 'v2.10.14');
    assert.deepEqual(t.regions, [{ name: 'iad', servers: 3 }, { name: 'lhr', servers: 3 }]);
    assert.equal(t.routePoolSize, 1);
    for (const bad of ['9x2', '0x3', 'x', '4by24']) {
      assert.throws(() => parseShape(bad, 'BROWNOUT_BENCH_SHAPES'), (e: unknown) => e instanceof BadInputError && e.message === `BROWNOUT_BENCH_SHAPES: ${bad}` && /RxN or RxNpP/.test(e.problems[0]!));
    }
  });
});
