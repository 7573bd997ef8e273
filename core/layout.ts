// Where built things live. Everything under build/ is produced by scripts/ and ignored by git.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = process.env.BROWNOUT_BUILD_DIR ?? path.join(REPO_ROOT, 'build');
export const RUNS_DIR = process.env.BROWNOUT_RUNS_DIR ?? path.join(REPO_ROOT, 'runs');

export const DEFAULT_NATS_TAG = 'v2.10.14';
export const TOXIPROXY_VERSION = 'v2.12.0';
export const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2';
export const NATS_MODULE = 'github.com/nats-io/nats-server/v2';

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
