import type { LoadReport } from '../model/load.js';
import { printLoadSummary, type ConsoleSection } from './load-console.js';
import { renderLoadHtml } from './load-html.js';
import { DocumentReporter, type Reporter } from './reporter.js';
import type { Sink } from './sink.js';

/** A finished load run: gatecheck's report and Artillery's own output, kept raw beside it. */
export interface LoadRun {
  report: LoadReport;
  raw: unknown;
}

/** The console summary of a load run. */
export class LoadConsoleReporter implements Reporter<LoadRun> {
  constructor(
    private readonly sink: Sink,
    private readonly section?: ConsoleSection,
  ) {}

  async end({ report }: LoadRun): Promise<string[]> {
    printLoadSummary(this.sink, report, this.section);
    return [];
  }
}

/** Every format of a load run: console; report.json (and --json), artillery.json and report.html in dir. */
export function loadReporters(sink: Sink, opts: { dir?: string; stdout?: boolean; section?: ConsoleSection }): Array<Reporter<LoadRun>> {
  const list: Array<Reporter<LoadRun>> = [new LoadConsoleReporter(sink, opts.section)];
  list.push(new DocumentReporter<LoadRun>(sink, { file: 'report.json', dir: opts.dir, stdout: opts.stdout, render: ({ report }) => sink.json(report) }));
  if (opts.dir) {
    list.push(new DocumentReporter<LoadRun>(sink, { file: 'artillery.json', dir: opts.dir, render: ({ raw }) => sink.json(raw) }));
    list.push(new DocumentReporter<LoadRun>(sink, { file: 'report.html', dir: opts.dir, render: ({ report }) => renderLoadHtml(report) }));
  }
  return list;
}
