// Where things live. Two ways in, one rule each:
// - from a checkout (the TypeScript sources, run by tsx through the npm scripts): builds in <repo>/build
//   and runs in <repo>/runs, so the repository's tests and CI see what they always saw;
// - installed (the compiled package under dist/, the `brownout` command): builds in a user cache
//   folder shared by every project, runs under ./runs of the folder the command is started in.
// BROWNOUT_BUILD_DIR and BROWNOUT_RUNS_DIR override both; BROWNOUT_CACHE moves the cache folder.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LayoutEnv {
  BROWNOUT_BUILD_DIR?: string;
  BROWNOUT_CACHE?: string;
  BROWNOUT_RUNS_DIR?: string;
  XDG_CACHE_HOME?: string;
}

/** The folder holding our package.json: the checkout, or the installed package (above dist/). */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/** The user cache folder: $BROWNOUT_CACHE, else $XDG_CACHE_HOME/brownout, else ~/.cache/brownout. */
export function userCacheDir(env: LayoutEnv, home: string): string {
  if (env.BROWNOUT_CACHE) return path.resolve(env.BROWNOUT_CACHE);
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'brownout');
  return path.join(home, '.cache', 'brownout');
}

/** Built binaries, images' inputs and work trees. Explicit settings win over the way in. */
export function buildDirFor(env: LayoutEnv, fromSource: boolean, packageRoot: string, home: string): string {
  if (env.BROWNOUT_BUILD_DIR) return path.resolve(env.BROWNOUT_BUILD_DIR);
  if (fromSource && !env.BROWNOUT_CACHE) return path.join(packageRoot, 'build');
  return userCacheDir(env, home);
}

/** Run folders (summary, timeline, logs) and the state files of clusters left up. */
export function runsDirFor(env: LayoutEnv, fromSource: boolean, packageRoot: string, cwd: string): string {
  if (env.BROWNOUT_RUNS_DIR) return path.resolve(env.BROWNOUT_RUNS_DIR);
  return path.join(fromSource ? packageRoot : cwd, 'runs');
}

/** true when the TypeScript sources run (a checkout); false for the compiled package. */
export const FROM_SOURCE = import.meta.url.endsWith('.ts');
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
/** The checkout's root when run from source; the installed package's root otherwise (patches/ ship there). */
export const REPO_ROOT = PACKAGE_ROOT;
export const BUILD_DIR = buildDirFor(process.env, FROM_SOURCE, PACKAGE_ROOT, os.homedir());
export const RUNS_DIR = runsDirFor(process.env, FROM_SOURCE, PACKAGE_ROOT, process.cwd());

export const DEFAULT_NATS_TAG = 'v2.10.14';
/** Where every command serves /metrics by default (`--metrics-port`); dashboards/prometheus.yml and the compose stack scrape it. */
export const DEFAULT_METRICS_PORT = 9477;
export const TOXIPROXY_VERSION = 'v2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';
export const NATS_MODULE = 'github.com/nats-io/nats-server/v2';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** How a user starts a command on this way in, for hints: `npm run build:nats --` or `brownout build:nats`. */
export function commandLine(command: string): string {
  return FROM_SOURCE ? `npm run ${command} --` : `brownout ${command}`;
}

/** Folder of one built variant: nats-server binary + manifest.json. */
export function variantDir(name: string): string {
  return path.join(BUILD_DIR, 'variants', name);
}
export function natsServerBinary(name: string): string {
  return path.join(variantDir(name), 'nats-server');
}
export function toxiproxyDir(version = TOXIPROXY_VERSION): string {
  return path.join(BUILD_DIR, 'toxiproxy', version);
}
export function toxiproxyBinary(version = TOXIPROXY_VERSION): string {
  return path.join(toxiproxyDir(version), 'toxiproxy-server');
}
/** Docker image tag for a variant; '+' is not allowed in tags. */
export function variantImage(name: string): string {
  return `brownout/nats-server:${name.replace(/\+/g, '-')}`;
}
export function toxiproxyImage(version = TOXIPROXY_VERSION): string {
  return `brownout/toxiproxy:${version}`;
}
/** The two variants built by default for a tag. */
export function patchedName(tag: string): string {
  return `${tag}+brownout`;
}

/** Where the running rollout controller says how to reach it (address, port, token, pid); mode 0600. */
export function controllerFile(): string {
  return path.join(RUNS_DIR, '.controller.json');
}
