import type { CaseProgress, ConformanceReport } from '../model/conformance.js';
import { ConsoleReporter } from './console.js';
import { conformanceHtmlReporter } from './conformance-html.js';
import type { ReporterName } from './formats.js';
import { conformanceAnnotations, GithubReporter } from './github.js';
import { conformanceJsonReporter } from './json.js';
import { JunitReporter } from './junit.js';
import { conformanceMarkdown, markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';
import type { Sink } from './sink.js';

/** The reporters of a conformance run, one per chosen format, all reading the same report. */
export function conformanceReporters(sink: Sink, formats: Set<ReporterName>, opts: { dir?: string; stdout?: boolean; verbose?: boolean }): Array<Reporter<ConformanceReport, CaseProgress>> {
  const list: Array<Reporter<ConformanceReport, CaseProgress>> = [];
  const dir = opts.dir!;
  if (formats.has('console')) list.push(new ConsoleReporter(sink, opts.verbose));
  if (formats.has('json')) list.push(conformanceJsonReporter(sink, { dir: opts.dir, stdout: opts.stdout }));
  if (formats.has('junit')) list.push(new JunitReporter(sink, dir));
  if (formats.has('html')) list.push(conformanceHtmlReporter(sink, dir));
  if (formats.has('markdown')) list.push(markdownReporter(sink, dir, conformanceMarkdown));
  if (formats.has('github')) list.push(new GithubReporter<ConformanceReport>(sink, { annotations: conformanceAnnotations, summary: conformanceMarkdown }));
  return list;
}
