// The one place an error becomes a gRPC status (server side) and a status becomes an error again
// (client side). The details message is the error's message, then every problem on its own line
// (`  - ...`), then `hint: ...`; trailing metadata `brownout-error` keeps the error's kind so the CLI
// exits with the right code (an EnvironmentError is INTERNAL on the wire but exit 3 at the client).
import * as grpc from '@grpc/grpc-js';
import { BadInputError, BrownoutError, EnvironmentError, HarnessError, ThresholdFailedError } from '../../../core/errors.ts';
import { RolloutNotFoundError, RolloutPreconditionError } from '../controller/rollout-service.ts';

const KIND_KEY = 'brownout-error';
type Kind = 'bad-input' | 'environment' | 'threshold' | 'harness';

function kindOf(err: unknown): Kind {
  if (err instanceof BadInputError) return 'bad-input';
  if (err instanceof EnvironmentError) return 'environment';
  if (err instanceof ThresholdFailedError) return 'threshold';
  return 'harness';
}

export function statusCodeOf(err: unknown): grpc.status {
  if (err instanceof RolloutNotFoundError) return grpc.status.NOT_FOUND;
  if (err instanceof RolloutPreconditionError) return grpc.status.FAILED_PRECONDITION;
  if (err instanceof BadInputError) return grpc.status.INVALID_ARGUMENT;
  return grpc.status.INTERNAL;
}

/** `s` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, untyped in our lib). */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** What a handler answers for `err`. */
export function toStatus(err: unknown): grpc.StatusObject {
  const message = err instanceof Error ? err.message : String(err);
  const lines = [message];
  if (err instanceof BadInputError) for (const p of err.problems) lines.push(`  - ${p}`);
  if (err instanceof BrownoutError && err.hint) lines.push(`hint: ${err.hint}`);
  const metadata = new grpc.Metadata();
  metadata.set(KIND_KEY, kindOf(err));
  // Well-formed, whatever the input held: grpc-js percent-encodes details, and a lone surrogate makes
  // that throw inside the call, which then never answers.
  return { code: statusCodeOf(err), details: wellFormed(lines.join('\n')), metadata };
}

/** Split a details message made by toStatus into message, problems and hint. */
export function parseDetails(details: string): { message: string; problems: string[]; hint?: string } {
  const [message = '', ...rest] = details.split('\n');
  const problems = rest.filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));
  const hint = rest.find((l) => l.startsWith('hint: '))?.slice(6);
  return { message, problems, ...(hint ? { hint } : {}) };
}

/** A failed call as the harness's own error, so formatError and exitCodeOf treat it like a local one. */
export function fromServiceError(e: grpc.ServiceError, what: string): BrownoutError {
  const d = parseDetails(e.details ?? e.message);
  const opts = { cause: e, problems: d.problems, ...(d.hint ? { hint: d.hint } : {}) };
  switch (e.code) {
    case grpc.status.NOT_FOUND: return new RolloutNotFoundError(d.message, opts);
    case grpc.status.FAILED_PRECONDITION: return new RolloutPreconditionError(d.message, opts);
    case grpc.status.INVALID_ARGUMENT: return new BadInputError(d.message, opts);
    case grpc.status.UNAUTHENTICATED:
      return new EnvironmentError(`${what}: the controller refused the token (${d.message})`, { cause: e, hint: 'runs/.controller.json is stale or belongs to another controller; stop that one or remove the file' });
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new EnvironmentError(`${what}: the controller did not answer (${grpc.status[e.code]}: ${d.message})`, { cause: e, hint: 'is `rollout serve` still running? see runs/.controller.log' });
  }
  const kind = e.metadata?.get(KIND_KEY)[0];
  if (kind === 'environment') return new EnvironmentError(d.message, opts);
  if (kind === 'threshold') return new ThresholdFailedError(d.message, opts);
  return new HarnessError(`${what}: ${grpc.status[e.code] ?? e.code}: ${d.message}`, opts);
}
