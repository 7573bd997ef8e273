// Integration tests call ensureBuilt() in a before() hook: it builds (or finds in cache) the stock
// and patched variants of the default tag and Toxiproxy, and returns their names and paths.
import { existsSync } from 'node:fs';
import {
  DEFAULT_NATS_TAG, natsServerBinary, patchedName, toxiproxyBinary,
} from '../../harness/variants/layout.ts';
import { EnvironmentError } from '../../harness/errors.ts';

export interface Built {
  stock: string;
  patched: string;
  toxiproxy: string;
}

export async function ensureBuilt(): Promise<Built> {
  const built = { stock: DEFAULT_NATS_TAG, patched: patchedName(DEFAULT_NATS_TAG), toxiproxy: toxiproxyBinary() };
  // TODO(build pipeline): call the build in-process (a cache hit when nothing changed).
  for (const p of [natsServerBinary(built.stock), natsServerBinary(built.patched), built.toxiproxy]) {
    if (!existsSync(p)) throw new EnvironmentError(`${p} is missing`, { hint: 'run npm run build:nats' });
  }
  return built;
}
