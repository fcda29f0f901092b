import type { ConformanceReport } from '../model/conformance.js';
import type { ConformanceReporter } from './reporter.js';
import { MAX_REPORT_BYTES, type Sink } from './sink.js';

/** report.json in a directory and/or on stdout (--json). */
export class JsonReporter implements ConformanceReporter {
  constructor(
    private readonly sink: Sink,
    private readonly opts: { dir?: string; stdout?: boolean },
  ) {}

  async end(report: ConformanceReport): Promise<string[]> {
    const bounded = boundedReport(report);
    if (bounded.cut) this.sink.say(`note: report.json: ${bounded.cut}\n`);
    const text = this.sink.json(bounded);
    if (this.opts.stdout) this.sink.stdout(text);
    return this.opts.dir ? [await this.sink.file(this.opts.dir, 'report.json', text)] : [];
  }
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
