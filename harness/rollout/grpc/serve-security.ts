// Whether the rollout API may be served where asked. The bearer token is the only guard, so it must
// not cross a network in plain text: off loopback, TLS (a certificate and its key) is required, or an
// explicit --insecure, which is served with a warning.
import { isIP } from 'node:net';

export interface ServeSecurity {
  host: string;
  /** A certificate and its key were given. */
  tls: boolean;
  insecure: boolean;
}

/** 127.0.0.0/8, ::1 and localhost; not the wildcards (0.0.0.0, ::), which listen on every interface. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped ? mapped[1]!.startsWith('127.') : false;
}

/** `problems` refuse serving (exit 2); `warning` is said once when serving goes ahead in plain text off loopback. */
export function serveSecurity(s: ServeSecurity): { problems: string[]; warning?: string } {
  if (s.tls || isLoopback(s.host)) return { problems: [] };
  if (s.insecure) {
    return { problems: [], warning: `WARNING: serving the rollout API on ${s.host} without TLS (--insecure): the bearer token and every rollout cross the network in plain text` };
  }
  return { problems: [`--host ${s.host}: not a loopback address, and the bearer token would cross the network in plain text; give --tls-cert <file> and --tls-key <file> (clients trust the CA in --tls-ca), or --insecure to serve in plain text anyway`] };
}
