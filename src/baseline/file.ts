import { readFile } from 'node:fs/promises';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { CaseStatus, ConformanceReport } from '../model/conformance.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(s)), 'not a calendar date');

const entrySchema = z.strictObject({
  /** A case id of the suite, e.g. auth.expired. */
  id: z.string().min(1),
  /** Why this failure is accepted for now: a reviewer reads it. */
  reason: z.string().min(1, 'say why this case is accepted (a ticket, a decision)'),
  /** After this day (UTC) the entry no longer accepts anything. */
  expires: isoDate.optional(),
  /** The grade the case had when it was accepted (informative). */
  status: z.enum(['failed', 'errored', 'non-strict']).optional(),
});

export const baselineFileSchema = z.strictObject({
  schemaVersion: z.literal(1),
  kind: z.literal('conformance-baseline'),
  dialect: z.string().optional(),
  accepted: z.array(entrySchema),
});

export type BaselineEntry = z.infer<typeof entrySchema>;
export type BaselineFile = z.infer<typeof baselineFileSchema>;

/** What a conformance run is compared against: accepted entries by case id, whichever file they came from. */
export interface Baseline {
  file: string;
  source: 'accepted-list' | 'report';
  dialect?: string;
  entries: BaselineEntry[];
}

/** A case that counts against the gate: failed or errored, and non-strict under --strict. */
export const isBad = (status: CaseStatus, strict: boolean): boolean => status === 'failed' || status === 'errored' || (strict && status === 'non-strict');

/**
 * Reads a baseline: a reviewed file of accepted entries, or a previous report.json (its failed, errored
 * and, if that run was strict, non-strict cases are the accepted ones). Every problem is a ConfigError
 * naming the file and the path.
 */
export async function loadBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read baseline ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`baseline ${file} is neither YAML nor JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (raw !== null && typeof raw === 'object' && (raw as { kind?: unknown }).kind === 'conformance') return fromReport(file, raw as ConformanceReport);
  const parsed = baselineFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  at ${i.path.length ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)'}: ${i.message}`);
    throw new ConfigError(`baseline ${file} is neither a conformance report.json nor a baseline file (schemaVersion: 1, kind: conformance-baseline, accepted: [{id, reason, expires?}]):\n${lines.join('\n')}`);
  }
  const seen = new Set<string>();
  for (const e of parsed.data.accepted) {
    if (seen.has(e.id)) throw new ConfigError(`baseline ${file}: case ${e.id} is listed twice`);
    seen.add(e.id);
  }
  return { file, source: 'accepted-list', dialect: parsed.data.dialect, entries: parsed.data.accepted };
}

function fromReport(file: string, report: ConformanceReport): Baseline {
  if (!Array.isArray(report.cases)) throw new ConfigError(`baseline ${file}: a conformance report without a cases list`);
  const entries = report.cases
    .filter((c) => isBad(c.status, Boolean(report.strict)))
    .map((c) => ({ id: c.id, reason: `${c.status} in the baseline run of ${report.startedAt}: ${c.reason}`, status: c.status as BaselineEntry['status'] }));
  return { file, source: 'report', dialect: report.dialect, entries };
}

/** The baseline file for a run: every bad case accepted with its reason, to be reviewed before committing. */
export function baselineFromReport(report: ConformanceReport, opts: { expires?: string } = {}): BaselineFile {
  if (opts.expires !== undefined && !isoDate.safeParse(opts.expires).success) throw new ConfigError(`--expires expects a date YYYY-MM-DD, got "${opts.expires}"`);
  return {
    schemaVersion: 1,
    kind: 'conformance-baseline',
    dialect: report.dialect,
    accepted: report.cases
      .filter((c) => isBad(c.status, report.strict))
      .map((c) => ({ id: c.id, reason: c.reason, ...(opts.expires ? { expires: opts.expires } : {}), status: c.status as BaselineEntry['status'] })),
  };
}

export function renderBaselineFile(file: BaselineFile, from: string): string {
  const header = [
    `# gatecheck conformance baseline, written from ${from}.`,
    '# Each entry accepts one failing case: review every reason (a ticket, a decision) before committing.',
    '# `gatecheck conform --baseline THIS_FILE` exits 1 on a failure not listed here, on an entry whose',
    '# case now passes (delete it), and treats an entry past its `expires` day as not accepted.',
  ];
  return `${header.join('\n')}\n${stringifyYaml(file, { lineWidth: 0 })}`;
}
