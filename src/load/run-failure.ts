/**
 * The load run itself failed (Artillery's `before` hook threw a SetupError, a worker crashed): not a
 * usage or target error, and never a raw stack. The CLI prints the message and exits 1.
 */
export class LoadRunError extends Error {}

/** The run was stopped by SIGINT/SIGTERM; everything it started is stopped (exit 130). */
export class LoadInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/**
 * What went wrong, from the last output of an Artillery that ended without a report: its error lines
 * (the stack frames dropped), e.g. "SetupError: ..." or "Error: Callback was already called."
 */
export function artilleryFailure(exitCode: number | null, tail: string): LoadRunError {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  // Node prints the source line of an uncaught throw above the error: a stack frame by another name.
  const errors = lines.filter((l) => !l.startsWith('at ') && !l.startsWith('throw ') && /(^|\w)(Error|error)\b|Callback was already called|killed/.test(l));
  const unique = [...new Set(errors)].slice(-4);
  const why = unique.length ? unique.join('\n  ') : (lines.at(-1) ?? 'no output');
  return new LoadRunError(`the load run failed: Artillery ended (exit ${exitCode ?? 'killed'}) without a report:\n  ${why}`);
}
