import { UsageError } from '../errors.js';
import { inGithubActions } from './github.js';

export const REPORTER_NAMES = ['console', 'json', 'junit', 'html', 'markdown', 'github'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];

/** Formats that write a file into --report-dir (json may go to stdout with --json instead). */
const FILE_FORMATS: ReporterName[] = ['junit', 'html', 'markdown'];

export interface FormatFlags {
  reporter?: string[];
  reportDir?: string;
  json?: boolean;
}

/**
 * The formats of a run. `--reporter` (repeatable) picks exactly those, as vitest and Playwright do;
 * without it: the console, `fileDefaults` when there is a --report-dir, json with --json, and github
 * inside GitHub Actions.
 */
export function chooseFormats(flags: FormatFlags, fileDefaults: ReporterName[], env: NodeJS.ProcessEnv = process.env): Set<ReporterName> {
  const chosen = new Set<ReporterName>();
  if (flags.reporter?.length) {
    for (const name of flags.reporter.flatMap((r) => r.split(',')).map((r) => r.trim())) {
      if (!(REPORTER_NAMES as readonly string[]).includes(name)) throw new UsageError(`--reporter ${name}: expected one of ${REPORTER_NAMES.join(', ')}`);
      chosen.add(name as ReporterName);
    }
  } else {
    chosen.add('console');
    if (flags.reportDir) fileDefaults.forEach((f) => chosen.add(f));
    if (inGithubActions(env)) chosen.add('github');
  }
  if (flags.json) chosen.add('json');
  const needDir = [...chosen].filter((f) => FILE_FORMATS.includes(f) || (f === 'json' && !flags.json));
  if (needDir.length && !flags.reportDir) throw new UsageError(`--reporter ${needDir.join(', ')} writes files: give --report-dir DIR`);
  return chosen;
}
