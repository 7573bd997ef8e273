// Every error the harness raises on purpose, and the one map from error class to exit code.
// Exit codes (also in the README): 0 pass, 1 a threshold failed, 2 bad input, 3 environment
// missing, 4 the harness itself failed; 130 and 143 are the shell's 128 + SIGINT / SIGTERM.

export const EXIT = { pass: 0, thresholdFailed: 1, badInput: 2, environment: 3, harness: 4, interrupted: 130, terminated: 143 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class BrownoutError extends Error {
  readonly exitCode: ExitCode = EXIT.harness;
  /** One line telling the user what to do about it, printed after the message. */
  readonly hint?: string;
  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A problem in what the user gave us: a flag, a file, a name. */
export class BadInputError extends BrownoutError {
  override readonly exitCode = EXIT.badInput;
  /** Every problem found, each with its path (e.g. `regions[1].name`) and what is allowed. */
  readonly problems: string[];
  constructor(message: string, options?: { cause?: unknown; hint?: string; problems?: string[] }) {
    super(message, options);
    this.problems = options?.problems ?? [];
  }
}

/** Something the machine lacks: Go, a Docker engine, a built binary. */
export class EnvironmentError extends BrownoutError {
  override readonly exitCode = EXIT.environment;
}

/** A run finished and at least one threshold failed. */
export class ThresholdFailedError extends BrownoutError {
  override readonly exitCode = EXIT.thresholdFailed;
}

/** Something the harness should have handled and did not, or a deadline it waited on passed. */
export class HarnessError extends BrownoutError {
  override readonly exitCode = EXIT.harness;
}

/** A wait that ran out: what was awaited, for how long, and what was last seen. */
export class TimeoutError extends HarnessError {}

export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof BrownoutError ? err.exitCode : EXIT.harness;
}

/** Render an error for the terminal: message, every problem, hint; a stack only for harness bugs. */
/** What a person reads before the message: `bad input`, `environment`, `harness error`. */
function label(err: BrownoutError): string {
  if (err instanceof BadInputError) return 'bad input';
  if (err instanceof EnvironmentError) return 'environment';
  if (err instanceof ThresholdFailedError) return 'threshold failed';
  if (err instanceof TimeoutError) return 'timed out';
  return 'harness error';
}

export function formatError(err: unknown): string {
  if (err instanceof BrownoutError) {
    const lines = [`${label(err)}: ${err.message}`];
    if (err instanceof BadInputError) for (const p of err.problems) lines.push(`  - ${p}`);
    if (err.hint) lines.push(`hint: ${err.hint}`);
    if (!(err instanceof BadInputError) && err.cause instanceof Error) lines.push(`cause: ${err.cause.message}`);
    return lines.join('\n');
  }
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
