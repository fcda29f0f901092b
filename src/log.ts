import pino, { type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Structured logs go to stderr so stdout stays for the summary or --json. */
export function createLogger(level: string = 'warn'): Logger {
  return pino({ name: 'gatecheck', level, base: undefined }, pino.destination(2));
}

export type { Logger };
