import { HarnessError } from '../harness/errors.ts';
import type { Backend, Progress } from './backend.ts';
import type { ClusterSecrets } from './render-config.ts';
import type { Topology } from './topology.ts';

export class DockerBackend {
  static async start(_t: Topology, _runId: string, _runDir: string, _s: ClusterSecrets, _p: Progress): Promise<Backend> {
    throw new HarnessError('docker backend not implemented yet');
  }
}
