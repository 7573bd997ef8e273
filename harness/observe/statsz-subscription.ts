// The system-account subscription to `$SYS.SERVER.*.STATSZ` on one server chosen to be outside the
// blast radius. It only receives: a subscriber misses what a restarted server sends before that
// server's route (or gateway) to this one is up, so pick a server the scenario does not touch.
import { connect, type NatsConnection } from 'nats';
import { authOptions } from '../../clusters/nats-auth.ts';
import type { ServerEndpoint, SystemUser } from '../../clusters/view.ts';
import type { StatszMessage } from './statsz-counter.ts';

export interface StatszSubscription {
  readonly server: string;
  close(): Promise<void>;
}

/** What a STATSZ says of the server's membership (statsz.fresh). */
export interface StatszContent { routePeers: string[]; routes: number; activeServers: number }

/** Server ID and name from a STATSZ payload (and what it says, when it parses); the subject's ID when the body does not parse. */
export function parseStatsz(subject: string, data: Uint8Array): { serverId: string; serverName: string; content?: StatszContent } {
  const fromSubject = subject.split('.')[2] ?? 'unknown';
  try {
    const body = JSON.parse(new TextDecoder().decode(data)) as {
      server?: { id?: string; name?: string };
      statsz?: { routes?: { name?: string }[] | null; active_servers?: number };
    };
    const routes = body.statsz?.routes ?? [];
    const content = body.statsz
      ? { routePeers: [...new Set(routes.map((r) => r.name ?? ''))].filter(Boolean).sort(), routes: routes.length, activeServers: body.statsz.active_servers ?? 0 }
      : undefined;
    return { serverId: body.server?.id ?? fromSubject, serverName: body.server?.name ?? fromSubject, ...(content ? { content } : {}) };
  } catch {
    return { serverId: fromSubject, serverName: fromSubject };
  }
}

export async function subscribeStatsz(on: ServerEndpoint, system: SystemUser, onMessage: (m: StatszMessage) => void): Promise<StatszSubscription> {
  const nc: NatsConnection = await connect({
    servers: [on.clientUrl], ...authOptions(system), name: 'brownout-observer-statsz',
    // Stay on the chosen server: following gossip could land the subscription inside the blast radius.
    noRandomize: true, ignoreClusterUpdates: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 2000,
  });
  nc.subscribe('$SYS.SERVER.*.STATSZ', {
    callback: (err, msg) => {
      if (err) return;
      const t = Date.now();
      onMessage({ t, ...parseStatsz(msg.subject, msg.data), bytes: msg.data.length });
    },
  });
  await nc.flush();
  return { server: on.name, close: () => nc.close() };
}
