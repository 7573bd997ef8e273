// The iptables helper image: FROM scratch, assembled from the files Debian's iptables package put on
// this machine (no registry, no pull): the xtables multi binary `iptables` resolves to, installed as
// /usr/sbin/iptables (the multi binary dispatches on its name), every shared library `ldd` lists for it
// and for each extension, at its own path, and the xtables extensions our rules use (statistic, conntrack, state, comment, and
// the standard/tcp/udp ones iptables loads for any rule). Started with `NetworkMode:
// container:<task>` and NET_ADMIN only, it places and removes a rule in a task's namespace through
// that task's node engine (swarm-loss-tools.ts), where nsenter from here cannot reach.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { docker } from '../core/docker-engine.ts';
import { EnvironmentError, HarnessError } from '../core/errors.ts';

const run = promisify(execFile);
export const IPTABLES_IMAGE_REPO = 'brownout/iptables-helper';
/** Extensions the loss and firewall rules load (iptables-loss.ts), and those any rule loads. */
export const XT_EXTENSIONS = ['standard', 'statistic', 'comment', 'conntrack', 'state', 'tcp', 'udp', 'icmp'];

/** Pure: the libraries of `ldd` output (absolute paths; the vdso has none). */
export function lddPaths(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/** The files of the image: path inside the image → path on this machine (symlinks resolved). */
export async function iptablesImageFiles(): Promise<Map<string, string>> {
  const which = await run('sh', ['-c', 'command -v iptables']).then((r) => r.stdout.trim(), () => '');
  if (!which) throw new EnvironmentError('iptables is not installed here: the iptables helper image is assembled from its files', { hint: 'apt-get install iptables' });
  const multi = realpathSync(which);
  const files = new Map<string, string>([['usr/sbin/iptables', multi]]);
  const ldd = await run('ldd', [multi]).catch((cause: unknown) => { throw new EnvironmentError(`ldd ${multi} failed`, { cause }); });
  for (const lib of lddPaths(ldd.stdout)) files.set(lib.replace(/^\//, ''), realpathSync(lib));
  const xtDir = ['/usr/lib/x86_64-linux-gnu/xtables', '/usr/lib/xtables', '/usr/lib64/xtables'].find((d) => existsSync(path.join(d, 'libxt_statistic.so')));
  if (!xtDir) throw new EnvironmentError('no xtables extension directory with libxt_statistic.so found');
  for (const ext of XT_EXTENSIONS) {
    for (const prefix of ['libxt_', 'libipt_']) {
      const f = path.join(xtDir, `${prefix}${ext}.so`);
      if (!existsSync(f)) continue;
      files.set(f.replace(/^\//, ''), realpathSync(f));
      // An extension has libraries of its own (statistic needs libm).
      const deps = await run('ldd', [f]).catch((cause: unknown) => { throw new EnvironmentError(`ldd ${f} failed`, { cause }); });
      for (const lib of lddPaths(deps.stdout)) files.set(lib.replace(/^\//, ''), realpathSync(lib));
    }
  }
  return files;
}

/** The helper image's tag on the local engine, built when missing (its tag carries a hash of its files). */
export async function ensureIptablesImage(): Promise<string> {
  const files = await iptablesImageFiles();
  const h = createHash('sha256');
  for (const [inside, host] of [...files].sort()) h.update(inside).update('\0').update(readFileSync(host));
  const hash = h.digest('hex').slice(0, 12);
  const tag = `${IPTABLES_IMAGE_REPO}:${hash}`;
  const have = await docker().getImage(tag).inspect().then(() => true, () => false);
  if (have) return tag;
  const ctx = mkdtempSync(path.join(os.tmpdir(), 'brownout-iptables-'));
  try {
    for (const [inside, host] of files) {
      mkdirSync(path.join(ctx, path.dirname(inside)), { recursive: true });
      copyFileSync(host, path.join(ctx, inside));
    }
    writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY . /\nENTRYPOINT ["/usr/sbin/iptables"]\n');
    const stream = await docker().buildImage({ context: ctx, src: ['Dockerfile', ...files.keys()] }, { t: tag, labels: { 'brownout.input': hash, 'brownout.role': 'iptables-helper' }, rm: true });
    await new Promise<void>((resolve, reject) => {
      docker().modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err?.message ?? out.find((o) => o.error)?.error;
        if (failed) reject(new HarnessError(`docker build of ${tag} failed: ${failed}`));
        else resolve();
      });
    });
    return tag;
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}
