// A super-cluster started without brownout, by test/support/external-cluster.sh (its own configs,
// pids and logs in a temp folder; each server in its own session), plus a cluster file describing
// it for `--attach external:FILE`. The tests of external clusters (issue 20) start one in a
// `before`, attach brownout to it, and check afterwards that every server the script started still
// runs (pids) and that brownout left nothing of its own.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BUILD_DIR, REPO_ROOT } from '../../core/layout.ts';
import type { ClusterFileInput, ExternalServerRef } from '../../clusters/index.ts';
import { waitForMesh } from '../../clusters/mesh.ts';

const run = promisify(execFile);

/** The shell script that plays the operators' own tooling. */
export const EXTERNAL_CLUSTER_SCRIPT = path.join(REPO_ROOT, 'test', 'support', 'external-cluster.sh');

export interface ScriptClusterOptions {
  /** The variant every server starts on, e.g. `v2.10.14` (stock) or `v2.10.14+brownout` (patched). */
  variant: string;
  regions?: string[];
  /** Servers per region (default 3). */
  servers?: number;
  /** First client port; server k uses BASE+4k .. BASE+4k+3 (ext-attach 24000-24999, ext-hooks 25000-25999, watch 26000-26999). */
  basePort: number;
  /** How the cluster file gives the system password: `file` (passwordFile, default) or `env` (passwordEnv). */
  secret?: 'file' | 'env';
  /** Extra top-level fields for the cluster file (a probe prefix, a toxiproxy, …). */
  extra?: Partial<ClusterFileInput>;
}

export interface ScriptCluster {
  /** The script's folder: conf/, pids/, logs/, bin/, system.password, and cluster.yaml. */
  dir: string;
  /** The cluster file describing it (YAML). */
  clusterFile: string;
  script: string;
  variant: string;
  regions: string[];
  servers: ExternalServerRef[];
  /** The environment variable holding the system password when `secret: 'env'` (set in process.env). */
  passwordEnv?: string;
  /** The system password (for asserting it never lands in a run folder). */
  systemPassword: string;
  /** `SERVER → pid` of every server that runs now, as the script sees them. */
  pids(): Map<string, number>;
  /** Run one script command (`start SERVER VARIANT`, `stop SERVER`, `ldm SERVER`, `kill SERVER`). */
  script$(...args: string[]): Promise<string>;
  /** Write another cluster file beside the first (a variant of it for one test), returning its path. */
  writeClusterFile(name: string, data: unknown): string;
  /** The cluster file's data, to derive variants from. */
  clusterData(): ClusterFileInput;
  /** Resolves once the harness's mesh rule holds for every server (the script's `up` waits only for /healthz); throws naming what is missing after `timeoutMs`. */
  waitMeshed(timeoutMs?: number): Promise<void>;
  /** `down` (every server stopped), the password variable unset, the folder removed. */
  stop(): Promise<void>;
}

/** `SERVER → pid` of every running server the script started in `dir`. */
export function scriptPids(dir: string): Map<string, number> {
  const out = execFileSync('bash', [EXTERNAL_CLUSTER_SCRIPT, 'pids', dir], { encoding: 'utf8' });
  return new Map(out.split('\n').filter(Boolean).map((l) => {
    const [s, p] = l.split(' ');
    return [s!, Number(p)];
  }));
}

export async function startScriptCluster(o: ScriptClusterOptions): Promise<ScriptCluster> {
  const regions = o.regions ?? ['iad', 'lhr', 'syd'];
  const per = o.servers ?? 3;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'brownout-ext-'));
  const script$ = async (...args: string[]): Promise<string> => (await run('bash', [EXTERNAL_CLUSTER_SCRIPT, args[0]!, dir, ...args.slice(1)], { maxBuffer: 1 << 20 })).stdout;
  try {
    await script$('up', path.join(BUILD_DIR, 'variants'), o.variant, regions.join(','), String(per), String(o.basePort));
  } catch (err) {
    await run('bash', [EXTERNAL_CLUSTER_SCRIPT, 'down', dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const servers: ExternalServerRef[] = [];
  let k = 0;
  for (const region of regions) {
    for (let i = 1; i <= per; i++, k++) {
      const port = o.basePort + 4 * k;
      servers.push({ name: `${region}-${i}`, region, host: '127.0.0.1', clientUrl: `nats://127.0.0.1:${port}`, monitorUrl: `http://127.0.0.1:${port + 3}` });
    }
  }
  const systemPassword = execFileSync('cat', [path.join(dir, 'system.password')], { encoding: 'utf8' }).trim();
  const passwordEnv = o.secret === 'env' ? `BROWNOUT_TEST_SYS_PASSWORD_${o.basePort}` : undefined;
  if (passwordEnv) process.env[passwordEnv] = systemPassword;
  const data: ClusterFileInput = {
    name: `script-${o.basePort}`,
    servers: servers.map(({ name, region, clientUrl, monitorUrl }) => ({ name, region, clientUrl, monitorUrl })),
    system: passwordEnv ? { user: 'sys', passwordEnv } : { user: 'sys', passwordFile: 'system.password' },
    ...o.extra,
  };
  const writeClusterFile = (name: string, d: unknown): string => {
    const f = path.join(dir, name);
    // JSON is YAML: one writer for both kinds of file.
    writeFileSync(f, `# written by test/support/external-cluster.ts for the cluster in ${dir}\n${JSON.stringify(d, null, 2)}\n`);
    return f;
  };
  const clusterFile = writeClusterFile('cluster.yaml', data);
  return {
    dir, clusterFile, script: EXTERNAL_CLUSTER_SCRIPT, variant: o.variant, regions, servers, systemPassword,
    ...(passwordEnv ? { passwordEnv } : {}),
    pids: () => scriptPids(dir),
    script$,
    writeClusterFile,
    clusterData: () => structuredClone(data),
    // The harness's own mesh rule (clusters/mesh.ts): a route to every peer's current ID, an outbound gateway past its INFO to every other region.
    waitMeshed: async (timeoutMs = 30_000) => { await waitForMesh(() => servers.map((x) => ({ ...x, variant: o.variant })), timeoutMs); },
    stop: async () => {
      try {
        await run('bash', [EXTERNAL_CLUSTER_SCRIPT, 'down', dir], { timeout: 60_000 });
      } finally {
        if (passwordEnv) delete process.env[passwordEnv];
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
