// One build of Toxiproxy for test/build-lock.test.ts, started when the test writes a line to stdin
// (so that two of these start at the same moment). Its preparation step holds for 2 s, so the two
// builds overlap however slow the machine is. Prints its progress, then `RESULT <json>`.
import { once } from 'node:events';
import { TOXIPROXY_MODULE, TOXIPROXY_VERSION, toxiproxyDir } from '../core/layout.ts';
import { buildModule } from '../harness/variants/build-module.ts';

const hold = new Int32Array(new SharedArrayBuffer(4));
process.stdout.write('READY\n');
await once(process.stdin, 'data');
const r = await buildModule({
  name: `toxiproxy-${TOXIPROXY_VERSION}`, kind: 'toxiproxy', module: TOXIPROXY_MODULE, tag: TOXIPROXY_VERSION, patchDir: null, patches: [],
  outDir: toxiproxyDir(TOXIPROXY_VERSION),
  binaries: [{ pkg: './cmd/server', out: 'toxiproxy-server' }],
  prepare: () => { Atomics.wait(hold, 0, 0, 2000); },
  image: null,
}, {
  images: 'skip',
  progress: { info: (m) => process.stdout.write(`info ${m}\n`), step: (label, fn) => { process.stdout.write(`step ${label}\n`); return fn(); } },
});
process.stdout.write(`RESULT ${JSON.stringify({ fromCache: r.fromCache, binarySha256: r.manifest.binarySha256 })}\n`);
process.exit(0);
