import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { ConformanceReport } from '../model/conformance.js';
import { Sink } from '../report/sink.js';
import { writeBaseline } from '../baseline/write.js';

export interface BaselineWriteFlags {
  from: string;
  out: string;
  expires?: string;
}

/** `gatecheck baseline write --from report.json`: the reviewed baseline file, from a conformance report. */
export async function baselineWriteCommand(flags: BaselineWriteFlags): Promise<number> {
  const sink = new Sink(process.stdout);
  let report: ConformanceReport;
  try {
    report = JSON.parse(await readFile(flags.from, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${flags.from} as a report.json: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (report?.kind !== 'conformance' || !Array.isArray(report.cases)) throw new ConfigError(`${flags.from} is not the report.json of gatecheck conform (kind "conformance")`);
  await writeBaseline(sink, report, flags.out, flags.from, flags.expires);
  return 0;
}
