import type { LoadComparison } from '../model/compare.js';
import type { LoadReport } from '../model/load.js';
import { comparisonText } from './compare-text.js';
import type { ReporterName } from './formats.js';
import { GithubReporter, loadAnnotations } from './github.js';
import { renderLoadJunit } from './junit.js';
import { printLoadSummary, type ConsoleSection } from './load-console.js';
import { renderLoadHtml } from './load-html.js';
import { loadMarkdown, markdownReporter } from './markdown.js';
import { DocumentReporter, type Reporter } from './reporter.js';
import type { Sink } from './sink.js';

/** A finished load run: gatecheck's report, Artillery's own output kept raw beside it, and the comparison with --baseline. */
export interface LoadRun {
  report: LoadReport;
  raw: unknown;
  comparison?: LoadComparison;
}

/** The console summary of a load run (and its comparison with the baseline run). */
export class LoadConsoleReporter implements Reporter<LoadRun> {
  constructor(
    private readonly sink: Sink,
    private readonly section?: ConsoleSection,
  ) {}

  async end({ report, comparison }: LoadRun): Promise<string[]> {
    printLoadSummary(this.sink, report, this.section);
    if (comparison) this.sink.say(`\n${comparisonText(comparison)}`);
    return [];
  }
}

/** The formats of a load run: console; report.json (and --json) with artillery.json; report.html, report.md, junit.xml, github. */
export function loadReporters(sink: Sink, formats: Set<ReporterName>, opts: { dir?: string; stdout?: boolean; section?: ConsoleSection }): Array<Reporter<LoadRun>> {
  const list: Array<Reporter<LoadRun>> = [];
  const dir = opts.dir!;
  if (formats.has('console')) list.push(new LoadConsoleReporter(sink, opts.section));
  if (formats.has('json')) {
    list.push(new DocumentReporter<LoadRun>(sink, { file: 'report.json', dir: opts.dir, stdout: opts.stdout, render: ({ report }) => sink.json(report) }));
    if (opts.dir) list.push(new DocumentReporter<LoadRun>(sink, { file: 'artillery.json', dir: opts.dir, render: ({ raw }) => sink.json(raw) }));
    if (opts.dir) list.push(comparisonJson(sink, opts.dir));
  }
  if (formats.has('html')) list.push(new DocumentReporter<LoadRun>(sink, { file: 'report.html', dir, render: ({ report }) => renderLoadHtml(report) }));
  if (formats.has('markdown')) list.push(markdownReporter<LoadRun>(sink, dir, ({ report, comparison }) => loadMarkdown(report, comparison)));
  if (formats.has('junit')) list.push(new DocumentReporter<LoadRun>(sink, { file: 'junit.xml', dir, render: ({ report, comparison }) => renderLoadJunit(report, comparison) }));
  if (formats.has('github')) list.push(new GithubReporter<LoadRun>(sink, { annotations: ({ report, comparison }) => loadAnnotations(report, comparison), summary: ({ report, comparison }) => loadMarkdown(report, comparison) }));
  return list;
}

/** comparison.json beside report.json, when the run was compared with a baseline run. */
function comparisonJson(sink: Sink, dir: string): Reporter<LoadRun> {
  return {
    end: async ({ comparison }) => (comparison ? [await sink.file(dir, 'comparison.json', sink.json(comparison))] : []),
  };
}
