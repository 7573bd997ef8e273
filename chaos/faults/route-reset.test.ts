import assert from 'node:assert/strict';
import { routeReset, routeSocketFilter, socketEnd } from './route-reset.ts';

describe('chaos route-reset fault', () => {
  it('route-reset - a far end as ss prints it becomes the ip:port /routez reports, v4-mapped or not', () => {
    assert.equal(socketEnd('172.18.0.4:6222'), '172.18.0.4:6222');
    assert.equal(socketEnd('[::ffff:172.18.0.4]:54070'), '172.18.0.4:54070');
    assert.equal(socketEnd('127.0.0.1:4248'), '127.0.0.1:4248');
  });

  it('route-reset - the filter for every route of a server: its cluster port either way, and every peer cluster port it dials', () => {
    assert.equal(routeSocketFilter(6222, new Set([6222])), '( sport = :6222 or dport = :6222 )');
    assert.equal(routeSocketFilter(4248, new Set([4248, 4249])), '( sport = :4248 or dport = :4248 or dport = :4249 )');
  });

  it('route-reset - peers and pick are checked by the fault\'s own schema; pick defaults to all', () => {
    assert.equal(routeReset.attributes.parse({ servers: ['lhr-2'] }).pick, 'all');
    assert.deepEqual(routeReset.attributes.parse({ servers: ['lhr-2'], peers: ['lhr-1'], pick: 'one' }), { servers: ['lhr-2'], peers: ['lhr-1'], pick: 'one', everyMs: 1000 });
    assert.throws(() => routeReset.attributes.parse({ servers: ['lhr-2'], peers: [] }));
    assert.throws(() => routeReset.attributes.parse({ servers: ['lhr-2'], pick: 'some' }));
  });
});
