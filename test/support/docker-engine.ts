// Whether a docker-backend test may run, must fail, or may skip. An engine that is installed but
// silent, or any missing engine in CI, is a failure: otherwise a broken engine would turn the whole
// docker suite into skips and CI would still go green.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { dockerAvailable } from '../../core/docker-engine.ts';
import { skipBecause } from './skip.ts';

export type EngineDecision =
  | { action: 'run' }
  | { action: 'fail'; reason: string }
  | { action: 'skip'; reason: string };

export interface EngineFacts {
  answers: boolean;
  /** `CI` is set (to anything but '', 0 or false). */
  ci: boolean;
  /** The dockerd or docker binary is on PATH. */
  installed: string | undefined;
  /** Where we asked: DOCKER_HOST or the default socket. */
  host: string;
  waitedMs: number;
}

/** Pure: the decision and its reason. */
export function decideEngine(f: EngineFacts): EngineDecision {
  if (f.answers) return { action: 'run' };
  const silent = `no Docker engine answered at ${f.host} within ${f.waitedMs} ms`;
  if (f.installed) {
    return { action: 'fail', reason: `${silent}, but ${f.installed} is installed${f.ci ? ' and CI is set' : ''}, so the docker tests must run: start the engine (npm run setup, as root)` };
  }
  if (f.ci) return { action: 'fail', reason: `${silent} and CI is set: CI must run the docker tests (.ci/run installs docker.io and starts dockerd)` };
  return { action: 'skip', reason: `${silent} and no dockerd or docker binary is installed (not CI): install docker.io to run the docker-backend tests` };
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

/** The first of dockerd, docker found on PATH, as its path. */
export function installedEngine(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const bin of ['dockerd', 'docker']) {
      const p = path.join(dir, bin);
      try {
        accessSync(p, constants.X_OK);
        return p;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

// Longer than a ping needs: a loaded 2-core machine must not turn a slow answer into a CI failure.
const PING_DEADLINE_MS = 10_000;

export async function engineFacts(env: NodeJS.ProcessEnv = process.env): Promise<EngineFacts> {
  return {
    answers: await dockerAvailable(PING_DEADLINE_MS),
    ci: isCi(env),
    installed: installedEngine(env),
    host: env.DOCKER_HOST || 'unix:///var/run/docker.sock',
    waitedMs: PING_DEADLINE_MS,
  };
}

export class DockerEngineRequired extends Error {
  override name = 'DockerEngineRequired';
}

/** In a before() hook of a docker-backend suite: returns when the engine answers, else fails or skips with the reason. */
export async function requireDockerEngine(ctx: Mocha.Context): Promise<void> {
  ctx.timeout(PING_DEADLINE_MS + 5_000);
  const d = decideEngine(await engineFacts());
  if (d.action === 'fail') throw new DockerEngineRequired(d.reason);
  if (d.action === 'skip') skipBecause(ctx, d.reason);
}
