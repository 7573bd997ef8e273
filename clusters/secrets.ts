// Per-run credentials: never a fixed password in code.
import { randomBytes } from 'node:crypto';
import type { ClusterSecrets } from './render-config.ts';

export function generateSecrets(): ClusterSecrets {
  // base64url keeps the password free of quotes and `$`, which the conf parser would interpret.
  const pw = () => randomBytes(18).toString('base64url');
  return { system: { user: 'sys', password: pw() }, app: { user: 'app', password: pw() } };
}
