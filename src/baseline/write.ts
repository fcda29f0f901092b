import { basename, dirname } from 'node:path';
import type { ConformanceReport } from '../model/conformance.js';
import type { Sink } from '../report/sink.js';
import { baselineFromReport, renderBaselineFile } from './file.js';

/** Writes the baseline file of a run through the Sink (reasons are server text: redacted like any report). */
export async function writeBaseline(sink: Sink, report: ConformanceReport, out: string, from: string, expires?: string): Promise<void> {
  const file = baselineFromReport(report, { expires });
  const path = await sink.file(dirname(out), basename(out), renderBaselineFile(file, from));
  sink.say(`baseline: ${path} accepts ${file.accepted.length} case(s)${file.accepted.length ? `: ${file.accepted.map((e) => e.id).join(', ')}` : ''}; review each reason before committing it\n`);
}
