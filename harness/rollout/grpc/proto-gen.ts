// Types for the rollout API, generated from proto/ by @grpc/proto-loader's proto-loader-gen-types.
// The loader options are one fact here: the types describe exactly what loadRolloutProto() decodes.
// `npm run proto:gen` writes them to harness/rollout/grpc/generated/ (committed; a test fails when
// they are not current).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from '../../../core/layout.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// The package root, not a fixed climb: compiled under dist/ the file sits one level deeper.
export const PROTO_ROOT = path.join(PACKAGE_ROOT, 'proto');
export const PROTO_FILE = 'brownout/rollout/v1/rollout.proto';
export const GENERATED_DIR = path.join(here, 'generated');

/** How messages decode: camelCase fields, 64-bit and enums as strings, defaults filled, oneof names. */
export const LOADER_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_ROOT] };

/** Generate the types into `outDir`; throws with the tool's output when it fails. */
export function generateTypes(outDir: string): void {
  const bin = path.join(PACKAGE_ROOT, 'node_modules', '.bin', 'proto-loader-gen-types');
  const args = [
    '--longs=String', '--enums=String', '--defaults', '--oneofs', '--includeComments',
    '--grpcLib=@grpc/grpc-js', '--importFileExtension=.ts', '--includeDirs=.', `--outDir=${outDir}`, PROTO_FILE,
  ];
  const r = spawnSync(bin, args, { cwd: PROTO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`proto-loader-gen-types failed (exit ${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  generateTypes(GENERATED_DIR);
  process.stdout.write(`generated ${path.relative(PACKAGE_ROOT, GENERATED_DIR)}/ from proto/${PROTO_FILE}\n`);
}
