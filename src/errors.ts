/** Errors the CLI turns into exit code 2 with a one-line message (no stack trace). */
export class GatecheckError extends Error {
  readonly exitCode = 2;
}
export class ConfigError extends GatecheckError {}
export class TargetError extends GatecheckError {}
export class UsageError extends GatecheckError {}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
