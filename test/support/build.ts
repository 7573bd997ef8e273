// Integration tests call ensureBuilt() in a before() hook: it builds (a cache hit when nothing
// changed) the stock and patched variants of the default tag and Toxiproxy, with images when a
// Docker engine answers, and returns their names.
import { DEFAULT_NATS_TAG, patchedName, toxiproxyBinary } from '../../core/layout.ts';
import { buildAll } from '../../harness/variants/build-all.ts';

export interface Built {
  stock: string;
  patched: string;
  /** Path of the toxiproxy-server binary. */
  toxiproxy: string;
}

let once: Promise<Built> | undefined;

export function ensureBuilt(): Promise<Built> {
  once ??= buildAll({ tag: DEFAULT_NATS_TAG, patches: ['default', 'none'] }).then(() => ({
    stock: DEFAULT_NATS_TAG,
    patched: patchedName(DEFAULT_NATS_TAG),
    toxiproxy: toxiproxyBinary(),
  }));
  return once;
}
