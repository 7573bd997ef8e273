import assert from 'node:assert/strict';
import { routeReset, routeSocketFilter, socketEnd, socketRoute } from './route-reset.ts';

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

  it('route-reset - a socket is told pooled or pinned by the side whose port is its own: the peer\'s view for a dialed one, this server\'s for an accepted one', () => {
    const ix = (routes: [string, string][]) => {
      const m = new Map<string, string[]>();
      for (const [end, acc] of routes) m.set(end, [...(m.get(end) ?? []), acc]);
      return m;
    };
    // lhr-2 (10.0.0.2) dialed lhr-1 (10.0.0.1:6222) four times: its own view has one far end for all
    // four; lhr-1's view names each by lhr-2's local port, and which one is pinned to SYS.
    const mine = ix([['10.0.0.1:6222', ''], ['10.0.0.1:6222', ''], ['10.0.0.1:6222', ''], ['10.0.0.1:6222', 'SYS'], ['10.0.0.3:40001', '']]);
    const theirs = ix([['10.0.0.2:50001', ''], ['10.0.0.2:50002', 'SYS'], ['10.0.0.2:6222', '']]);
    assert.deepEqual(socketRoute('10.0.0.2:50001', '10.0.0.1:6222', mine, theirs), { pinned: false });
    assert.deepEqual(socketRoute('10.0.0.2:50002', '[::ffff:10.0.0.1]:6222', mine, theirs), { pinned: true });
    // Accepted from lhr-3: this server's own view has the peer's port.
    assert.deepEqual(socketRoute('[::ffff:10.0.0.2]:6222', '[::ffff:10.0.0.3]:40001', mine, theirs), { pinned: false });
    // Not a route to these peers; and a dialed socket the peer's view does not list: not told apart.
    assert.equal(socketRoute('10.0.0.2:50009', '10.0.0.9:6222', mine, theirs), undefined);
    assert.equal(socketRoute('10.0.0.2:50003', '10.0.0.1:6222', mine, theirs), undefined);
  });

  it('route-reset - peers and pick are checked by the fault\'s own schema; pick defaults to all', () => {
    assert.equal(routeReset.attributes.parse({ servers: ['lhr-2'] }).pick, 'all');
    assert.deepEqual(routeReset.attributes.parse({ servers: ['lhr-2'], peers: ['lhr-1'], pick: 'one' }), { servers: ['lhr-2'], peers: ['lhr-1'], pick: 'one', routes: 'any', everyMs: 1000 });
    assert.equal(routeReset.attributes.parse({ servers: ['lhr-2'], routes: 'pinned' }).routes, 'pinned');
    assert.throws(() => routeReset.attributes.parse({ servers: ['lhr-2'], routes: 'sys' }));
    assert.throws(() => routeReset.attributes.parse({ servers: ['lhr-2'], peers: [] }));
    assert.throws(() => routeReset.attributes.parse({ servers: ['lhr-2'], pick: 'some' }));
  });
});
