import { basename, extname, join } from 'node:path';
import type { Logger } from 'pino';
import { buildMatrix } from '../conformance/matrix.js';
import { runConformance } from '../conformance/conform.js';
import { dialectModule } from '../dialects/index.js';
import { UsageError } from '../errors.js';
import type { ConformanceReport } from '../model/conformance.js';
import type { MatrixReport } from '../model/matrix.js';
import { conformanceJsonReporter } from '../report/json.js';
import { matrixHtmlReporter } from '../report/matrix-html.js';
import { DocumentReporter, Reporters, type Reporter } from '../report/reporter.js';
import { Sink } from '../report/sink.js';
import { secrets } from '../secrets/redactor.js';
import { resolveSecretsOf } from './secrets.js';
import { resolveTarget, type TargetFlags } from './target-options.js';

export interface MatrixFlags {
  target?: string[];
  reference?: boolean;
  mutant?: string[];
  dialect?: string;
  instances?: number;
  redisUrl?: string;
  strict?: boolean;
  filter?: string[];
  reportDir?: string;
  json?: boolean;
}

/** What a column of the matrix runs: a target config, the reference gateway, or one of its mutants. */
interface Column {
  label: string;
  flags: TargetFlags;
}

function columnsOf(flags: MatrixFlags): Column[] {
  const columns: Column[] = (flags.target ?? []).map((file) => ({ label: basename(file, extname(file)), flags: { target: file, dialect: flags.dialect } }));
  const reference = { dialect: flags.dialect, instances: flags.instances, redisUrl: flags.redisUrl };
  if (flags.reference) columns.push({ label: 'reference', flags: reference });
  for (const mutant of flags.mutant ?? []) columns.push({ label: `mutant:${mutant}`, flags: { ...reference, mutant } });
  if (columns.length < 2) throw new UsageError('a matrix needs at least two targets: --target FILE (repeatable), --reference, --mutant NAME (repeatable)');
  if (!flags.reference && !flags.mutant?.length && (flags.instances !== undefined || flags.redisUrl)) throw new UsageError('--instances and --redis-url apply only to --reference and --mutant columns');
  // Two configs named alike get their position appended, so every column and report directory is distinct.
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c.label) ?? 0) + 1;
    seen.set(c.label, n);
    return n > 1 ? { ...c, label: `${c.label}-${n}` } : c;
  });
}

/** `gatecheck matrix`: the suite on every target in turn (one at a time, so none competes with another), one page. */
export async function matrixCommand(flags: MatrixFlags, logger: Logger): Promise<number> {
  const columns = columnsOf(flags);
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const started = new Date();
  const runs: Array<{ label: string; report: ConformanceReport }> = [];
  for (const [i, column] of columns.entries()) {
    sink.say(`[${i + 1}/${columns.length}] ${column.label}: running the suite...\n`);
    const target = await resolveTarget(column.flags, logger);
    try {
      if (runs.length && target.config.dialect !== runs[0].report.dialect) throw new UsageError(`${column.label} speaks ${target.config.dialect}, ${runs[0].label} ${runs[0].report.dialect}: a matrix compares one dialect`);
      secrets.add(...target.secrets, ...resolveSecretsOf(target.config));
      if (target.warning) sink.say(`note: ${column.label}: ${target.warning}\n`);
      const report = await runConformance({ suite: dialectModule(target.config.dialect), config: target.config, target: target.summary, strict: flags.strict, filter: flags.filter });
      const s = report.summary;
      sink.say(`    ${s.passed} passed, ${s.nonStrict} non-strict, ${s.failed} failed, ${s.skipped} skipped, ${s.errored} errored of ${s.total}\n`);
      if (flags.reportDir) await conformanceJsonReporter(sink, { dir: join(flags.reportDir, column.label.replace(/[^\w.-]+/g, '_')) }).end(report);
      runs.push({ label: column.label, report });
    } finally {
      await target.stop();
    }
  }
  const matrix = buildMatrix(runs, started, Date.now() - started.getTime());
  const reporters: Array<Reporter<MatrixReport>> = [{ end: async (m) => (sink.say(matrixText(m)), []) }];
  if (flags.reportDir || flags.json) reporters.push(new DocumentReporter(sink, { file: 'matrix.json', dir: flags.reportDir, stdout: flags.json, render: (m) => sink.json(m) }));
  if (flags.reportDir) reporters.push(matrixHtmlReporter(sink, flags.reportDir));
  await new Reporters(sink, reporters).end(matrix);
  return matrix.targets.every((t) => t.passed) ? 0 : 1;
}

/** The cases where the targets disagree, a column each, then every target's verdict. */
export function matrixText(m: MatrixReport): string {
  const differing = m.cases.filter((c) => new Set(c.results.map((x) => x?.status ?? 'not run')).size > 1);
  const width = Math.max(4, ...differing.map((c) => c.id.length));
  const widths = m.targets.map((t) => Math.max(t.label.length, 10));
  const line = (first: string, cells: string[]) => `${first.padEnd(width)}  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  const rows = differing.map((c) => line(c.id, c.results.map((x) => x?.status ?? 'not run')));
  const table = differing.length ? `${line('case', m.targets.map((t) => t.label))}\n${rows.join('\n')}\n` : 'every target graded every case alike\n';
  const verdicts = m.targets.map((t) => `  ${t.label}: ${t.passed ? 'passed' : 'failed'} (${t.summary.passed} passed, ${t.summary.failed + (t.summary.blocked ?? 0)} failed, ${t.summary.errored} errored of ${t.summary.total})`).join('\n');
  return `\ngatecheck matrix ${m.dialect}: ${m.cases.length} cases on ${m.targets.length} targets, ${differing.length} graded differently\n${table}${verdicts}\n`;
}
