// The manifest written beside every built binary: what went in, what came out.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface Manifest {
  /** e.g. `v2.10.14+brownout`, `v2.10.14`, `toxiproxy-v2.12.0`. */
  name: string;
  kind: 'nats-server' | 'toxiproxy';
  module: string;
  tag: string;
  /** h1: module hash from the Go checksum database (verified by `go mod download`). */
  moduleHash: string;
  /** Folder the patches came from, or null for a stock build. */
  patchDir: string | null;
  patches: { file: string; sha256: string }[];
  goVersion: string;
  /** Hash of every input above plus the build recipe: the cache key. */
  inputHash: string;
  binary: string;
  binarySha256: string;
  binaryBytes: number;
  /** Docker image id, or null when no engine answered at build time. */
  imageId: string | null;
  image: string | null;
  builtAt: string;
}

export function readManifest(file: string): Manifest | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined; // a torn manifest is a cache miss, not an error
  }
}

export function writeManifest(file: string, m: Manifest): void {
  writeFileSync(file, JSON.stringify(m, null, 2) + '\n');
}
