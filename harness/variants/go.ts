// The Go toolchain: find it, ask its version, fetch modules through the module proxy.
import { $ } from 'zx';
import { BadInputError, EnvironmentError, HarnessError } from '../../core/errors.ts';

export const MIN_GO = [1, 21] as const;
const GO_HINT = 'install Go 1.21 or newer (https://go.dev/dl/ or apt-get install golang) and put it on PATH';

export interface GoModule {
  path: string;
  version: string;
  /** Read-only extracted source in the module cache. */
  dir: string;
  /** h1: hash, verified by the go command against the checksum database. */
  sum: string;
}

/** `go1.26.8`; throws EnvironmentError (exit 3) when Go is missing or too old. */
export async function goVersion(): Promise<string> {
  const out = await $({ nothrow: true, quiet: true })`go env GOVERSION`;
  if (out.exitCode !== 0) {
    throw new EnvironmentError('Go was not found on PATH', { hint: GO_HINT });
  }
  const version = out.stdout.trim();
  const m = /^go(\d+)\.(\d+)/.exec(version);
  if (!m || Number(m[1]) < MIN_GO[0] || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1])) {
    throw new EnvironmentError(`Go ${version} is too old, need go${MIN_GO.join('.')} or newer`, { hint: GO_HINT });
  }
  return version;
}

/** `go mod download -json module@version`; a tag the proxy does not know is bad input naming the tag. */
export async function downloadModule(modulePath: string, version: string): Promise<GoModule> {
  // Run outside any module so the current directory's go.mod (if any) cannot interfere.
  const out = await $({ nothrow: true, quiet: true, cwd: '/', env: { ...process.env, GOFLAGS: '-mod=mod' } })`go mod download -json ${`${modulePath}@${version}`}`;
  let info: { Path?: string; Version?: string; Dir?: string; Sum?: string; Error?: string };
  try {
    info = JSON.parse(out.stdout);
  } catch (err) {
    throw new HarnessError(`go mod download ${modulePath}@${version} printed no JSON: ${out.stderr.trim()}`, { cause: err });
  }
  if (info.Error || out.exitCode !== 0) {
    throw new BadInputError(`version ${version} of ${modulePath} cannot be fetched: ${info.Error ?? out.stderr.trim()}`, {
      hint: `use an existing tag, e.g. v2.10.14; list them with: go list -m -versions ${modulePath}`,
    });
  }
  if (!info.Dir || !info.Sum || !info.Version) throw new HarnessError(`go mod download ${modulePath}@${version} gave no Dir/Sum`);
  return { path: modulePath, version: info.Version, dir: info.Dir, sum: info.Sum };
}
