// FROM scratch images for our static binaries. Nothing is pulled: no registry can be reached.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, dockerAvailable } from '../../core/docker-engine.ts';
import { HarnessError } from '../../core/errors.ts';

export { docker, dockerAvailable };

export interface ScratchImage {
  tag: string;
  binary: string;
  /** Name of the binary inside the image, at `/<name>`, which is also the entrypoint. */
  name: string;
  labels: Record<string, string>;
}

/** The image id of `tag` if it exists and carries `brownout.input=<inputHash>`. */
export async function findImage(tag: string, inputHash: string): Promise<string | undefined> {
  try {
    const info = await docker().getImage(tag).inspect();
    return info.Config?.Labels?.['brownout.input'] === inputHash ? info.Id : undefined;
  } catch {
    return undefined;
  }
}

export async function buildScratchImage(spec: ScratchImage): Promise<string> {
  const ctx = mkdtempSync(path.join(os.tmpdir(), 'brownout-image-'));
  try {
    copyFileSync(spec.binary, path.join(ctx, spec.name));
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM scratch\nCOPY ${spec.name} /${spec.name}\nENTRYPOINT ["/${spec.name}"]\n`);
    const stream = await docker().buildImage({ context: ctx, src: ['Dockerfile', spec.name] }, { t: spec.tag, labels: spec.labels, rm: true });
    await new Promise<void>((resolve, reject) => {
      docker().modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error;
        if (failed) reject(new HarnessError(`docker build of ${spec.tag} failed: ${failed}`));
        else resolve();
      });
    });
    return (await docker().getImage(spec.tag).inspect()).Id;
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}
