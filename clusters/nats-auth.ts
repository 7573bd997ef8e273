// The one place credentials become nats.js connect options: the observer's STATSZ subscription, the
// probe and discovery's `$SYS.REQ.SERVER.PING` all connect through it, so a .creds file works
// wherever a user and password does.
import { credsAuthenticator, type ConnectionOptions } from 'nats';
import type { SystemUser } from './view.ts';

/** Options that authenticate as `who`; none for no credentials (the server's no_auth_user). */
export function authOptions(who: SystemUser | undefined): Pick<ConnectionOptions, 'user' | 'pass' | 'authenticator'> {
  if (!who) return {};
  if ('creds' in who) return { authenticator: credsAuthenticator(new TextEncoder().encode(who.creds)) };
  return { user: who.user, pass: who.password };
}

/** How a credential is named in messages: the user, or `a .creds file`; never a secret. */
export function describeCredentials(who: SystemUser | undefined): string {
  if (!who) return 'no credentials';
  return 'creds' in who ? 'a .creds file' : `user ${who.user}`;
}
