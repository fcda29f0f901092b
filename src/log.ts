import pino, { type Logger } from 'pino';
import { secrets } from './secrets/redactor.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

let current: Logger = pino({ level: 'silent' });

/**
 * Structured logs on stderr, so stdout stays for the summary or --json; every line passes the redactor.
 * The logger also becomes the process's own (see `log()`), for code far from any command.
 */
export function createLogger(level: string = 'warn'): Logger {
  current = pino({ name: 'gatecheck', level, base: undefined, hooks: { streamWrite: (line) => secrets.text(line) } }, pino.destination(2));
  return current;
}

/** The logger the command created: probes, REST calls and child processes log here at debug and trace. */
export function log(): Logger {
  return current;
}

export type { Logger };
