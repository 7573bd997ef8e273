// What a machine needs and how to get it: Go (required), a Docker engine (optional: only the
// docker backend needs one). Started here when we are root and dockerd is installed but idle.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { EnvironmentError } from '../core/errors.ts';
import { goVersion } from './variants/go.ts';
import { dockerAvailable } from './variants/image.ts';
import { BUILD_DIR } from '../core/layout.ts';

export interface MachineReport {
  node: string;
  go: string;
  docker: 'answering' | 'started' | 'missing' | 'not running';
  /** One line per thing missing, saying how to get it. */
  notes: string[];
}

const DOCKER_START_DEADLINE_MS = 30_000;

export async function checkMachine(opts: { startDocker?: boolean; requireDocker?: boolean } = {}): Promise<MachineReport> {
  const notes: string[] = [];
  const [major] = process.versions.node.split('.').map(Number);
  if ((major ?? 0) < 20) throw new EnvironmentError(`Node ${process.versions.node} is too old, need 20 or newer`);
  const go = await goVersion();
  let docker: MachineReport['docker'] = 'answering';
  if (!(await dockerAvailable())) {
    const installed = (await $({ nothrow: true, quiet: true })`command -v dockerd`).exitCode === 0;
    const root = process.getuid?.() === 0;
    if (installed && root && opts.startDocker !== false) {
      docker = (await startDockerd()) ? 'started' : 'not running';
    } else {
      docker = installed ? 'not running' : 'missing';
    }
    if (docker === 'missing') notes.push('no Docker engine: install one with `apt-get install -y docker.io` (as root) for the docker backend; the local backend needs none');
    if (docker === 'not running') notes.push(`dockerd is installed but no engine answers${root ? ` (see ${dockerLog()})` : '; start it as root: dockerd &'}`);
  }
  if (opts.requireDocker && docker !== 'answering' && docker !== 'started') {
    throw new EnvironmentError('a Docker engine is required and none answers', { hint: notes.join('; ') });
  }
  return { node: process.versions.node, go, docker, notes };
}

function dockerLog(): string {
  return path.join(BUILD_DIR, 'dockerd.log');
}

async function startDockerd(): Promise<boolean> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const log = openSync(dockerLog(), 'a');
  // Detached on purpose: the engine is machine set-up and outlives this process.
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  const deadline = Date.now() + DOCKER_START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (await dockerAvailable(1000)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}
