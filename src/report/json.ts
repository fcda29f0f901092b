import type { ConformanceReport } from '../model/conformance.js';
import { DocumentReporter } from './reporter.js';
import { MAX_REPORT_BYTES, type Sink } from './sink.js';

/** Conformance report.json in a directory and/or on stdout (--json), within its size bound. */
export function conformanceJsonReporter(sink: Sink, opts: { dir?: string; stdout?: boolean }): DocumentReporter<ConformanceReport> {
  return new DocumentReporter(sink, {
    ...opts,
    file: 'report.json',
    render: (report) => {
      const bounded = boundedReport(report);
      if (bounded.cut) sink.say(`note: report.json: ${bounded.cut}\n`);
      return sink.json(bounded);
    },
  });
}

/**
 * The report within MAX_REPORT_BYTES: timelines are bounded per case already, but many flooded cases
 * add up; passed cases' timelines go first, then the rest, and `cut` says so.
 */
export function boundedReport(report: ConformanceReport, maxBytes = MAX_REPORT_BYTES): ConformanceReport {
  const size = (r: ConformanceReport) => Buffer.byteLength(JSON.stringify(r));
  if (size(report) <= maxBytes) return report;
  const dropTimelines = (keep: (status: string) => boolean): ConformanceReport => ({
    ...report,
    cases: report.cases.map((c) => (keep(c.status) ? c : { ...c, evidence: { ...c.evidence, timeline: [] } })),
  });
  const lighter = dropTimelines((s) => s !== 'passed');
  if (size(lighter) <= maxBytes) return { ...lighter, cut: `timelines of passed cases left out to keep the report under ${maxBytes} bytes` };
  return { ...dropTimelines(() => false), cut: `every timeline left out to keep the report under ${maxBytes} bytes` };
}
