// Toxiproxy's server (and CLI) from its Go module at the pinned version, built like a variant.
import { TOXIPROXY_MODULE, TOXIPROXY_VERSION, toxiproxyDir, toxiproxyImage } from '../../core/layout.ts';
import { buildModule, type BuildOptions, type BuildResult } from './build-module.ts';

export async function buildToxiproxy(version = TOXIPROXY_VERSION, opts: BuildOptions = {}): Promise<BuildResult> {
  return buildModule({
    name: `toxiproxy-${version}`, kind: 'toxiproxy', module: TOXIPROXY_MODULE, tag: version, patchDir: null, patches: [],
    outDir: toxiproxyDir(version),
    binaries: [{ pkg: './cmd/server', out: 'toxiproxy-server' }, { pkg: './cmd/cli', out: 'toxiproxy-cli' }],
    ldflags: () => `-s -w -X ${TOXIPROXY_MODULE}.Version=${version}`,
    image: toxiproxyImage(version),
  }, opts);
}
