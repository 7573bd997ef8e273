// Does a 96-server cluster keep a 1 s ping (what most scenarios ask for) on this machine? Booting
// with it never settles into a full mesh, so this boots with nats-server's default ping (2 m; routes
// and gateways then ping every 30 s / 15 s, upstream's caps), waits for the full mesh, rewrites
// every config to the asked ping and reloads every server (SIGHUP: ping_interval and ping_max are
// reloadable in v2.10.14, reload.go), then checks the mesh every 5 s for BROWNOUT_PING_SECONDS
// (default 150). Connections pick the new interval up at their next ping timer (at most 30 s).
// Counted: links missing per check, each check's duration, and "Stale Connection" closes in the logs.
// BROWNOUT_BENCH_SHAPE (default 4x24) and BROWNOUT_PING (default 1s) override; run under the lock.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serversOf, startCluster, type StartedCluster } from '../clusters/index.ts';
import { snapshotMesh } from '../clusters/mesh.ts';
import { readState } from '../clusters/state-file.ts';
import { BadInputError } from '../core/errors.ts';
import { DEFAULT_NATS_TAG, patchedName } from '../core/layout.ts';
import { createProgress } from '../core/progress.ts';
import { parseShape, shapeTopology } from './shapes.ts';

interface Check { afterReloadS: number; complete: boolean; missing: number; tookS: number; sample: string }

function countInLogs(logDir: string, re: RegExp): number {
  let n = 0;
  for (const f of readdirSync(logDir)) n += (readFileSync(path.join(logDir, f), 'utf8').match(re) ?? []).length;
  return n;
}

export async function run(): Promise<{ name: string; markdown: string; data: unknown }> {
  const shape = parseShape(process.env.BROWNOUT_BENCH_SHAPE ?? '4x24', 'BROWNOUT_BENCH_SHAPE');
  const ping = process.env.BROWNOUT_PING ?? '1s';
  if (!/^\d+(ms|s)$/.test(ping)) throw new BadInputError(`BROWNOUT_PING: ${ping}`, { problems: ['ping: a duration like 1s or 500ms'] });
  const seconds = Number(process.env.BROWNOUT_PING_SECONDS ?? 150);
  const progress = createProgress('ping-at-scale');
  const variant = patchedName(DEFAULT_NATS_TAG);
  const topology = shapeTopology(shape, variant);
  const t0 = performance.now();
  let c: StartedCluster | undefined;
  const checks: Check[] = [];
  let meshedS = 0;
  let stale = { before: 0, after: 0 };
  let reloaded = 0;
  try {
    c = await startCluster(topology, { backend: 'local', meshDeadlineMs: 300_000, progress });
    meshedS = (performance.now() - t0) / 1000;
    const st = readState(c.runId)!;
    const logDir = path.join(st.runDir, 'logs');
    stale.before = countInLogs(logDir, /Stale Connection/g);
    const confDir = path.join(st.runDir, 'conf');
    for (const f of readdirSync(confDir)) {
      const p = path.join(confDir, f);
      writeFileSync(p, readFileSync(p, 'utf8').replace(/^ping_interval: .*$/m, `ping_interval: "${ping}"`));
    }
    for (const s of Object.values(st.local!.servers)) if (s.pid) process.kill(s.pid, 'SIGHUP');
    const reloadAt = performance.now();
    progress.info(`${shape.label} meshed in ${meshedS.toFixed(1)} s; reloaded every server to ping_interval ${ping}`);
    while ((performance.now() - reloadAt) / 1000 < seconds) {
      await new Promise((r) => setTimeout(r, 5000));
      const s0 = performance.now();
      const r = await snapshotMesh(c.endpoints());
      const check = { afterReloadS: Math.round((performance.now() - reloadAt) / 1000), complete: r.complete, missing: r.missing.length, tookS: Math.round((performance.now() - s0) / 100) / 10, sample: r.missing.slice(0, 2).join('; ') };
      checks.push(check);
      progress.info(`+${check.afterReloadS} s: ${check.complete ? 'full mesh' : `${check.missing} link(s) missing`} (check took ${check.tookS} s)`);
    }
    reloaded = countInLogs(logDir, new RegExp(`Reloaded: ping_interval = ${ping}`, 'g'));
    stale.after = countInLogs(logDir, /Stale Connection/g) - stale.before;
  } finally {
    await c?.stop();
  }
  const servers = serversOf(topology).length;
  const markdown = [
    `Local backend, ${shape.label} (${servers} servers) of ${variant}, booted with nats-server's default ping and meshed in ${meshedS.toFixed(1)} s; then every config rewritten to \`ping_interval: "${ping}"\` and every server reloaded (SIGHUP; ${reloaded} of ${servers} logged the reload). One run.`,
    `"Stale Connection" closes logged after the reload: ${stale.after} (before it: ${stale.before}).`,
    '',
    '| seconds after reload | full mesh | links missing | check took s | first missing |',
    '| ---: | --- | ---: | ---: | --- |',
    ...checks.map((k) => `| ${k.afterReloadS} | ${k.complete ? 'yes' : 'no'} | ${k.missing} | ${k.tookS} | ${k.sample} |`),
  ].join('\n');
  return { name: `A ${ping} ping at ${servers} servers`, markdown, data: { shape: shape.label, ping, meshedS, reloaded, stale, checks } };
}
