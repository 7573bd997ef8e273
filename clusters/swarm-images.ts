// Images reach swarm nodes without a registry: saved from one engine and loaded into another (the
// engine API's `docker save | docker load`). A node that already holds the same image id is skipped.
import type Docker from 'dockerode';
import { HarnessError } from '../core/errors.ts';

/** Tags of `from` that `to` lacks or holds under another id. */
export async function missingImages(from: Docker, to: Docker, tags: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const tag of tags) {
    const want = (await from.getImage(tag).inspect()).Id;
    const have = await to.getImage(tag).inspect().then((i) => i.Id, () => undefined);
    if (have !== want) out.push(tag);
  }
  return out;
}

/** Copy `tags` from `from` into `to` in one save/load stream; returns the tags it copied. */
export async function copyImages(from: Docker, to: Docker, tags: readonly string[]): Promise<string[]> {
  const missing = await missingImages(from, to, tags);
  if (missing.length === 0) return [];
  // dockerode has getImages (GET /images/get, several names in one tar); its typings do not.
  const tar = (await (from as unknown as { getImages(o: { names: string[] }): Promise<NodeJS.ReadableStream> }).getImages({ names: missing }));
  const res = (await to.loadImage(tar, { quiet: true })) as NodeJS.ReadableStream;
  const text = await readAll(res);
  // The load answers 200 and reports a failure inside its JSON stream.
  const err = text.split('\n').map((l) => { try { return JSON.parse(l) as { error?: string }; } catch { return {}; } }).find((m) => m.error);
  if (err) throw new HarnessError(`loading ${missing.join(', ')} into a swarm node failed: ${err.error}`);
  return missing;
}

async function readAll(s: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString('utf8');
}
