import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import type { LoadReport } from '../model/load.js';

/** A report.json of `gatecheck load`, or a ConfigError saying what the file is instead. */
export async function readLoadReport(file: string): Promise<LoadReport> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read ${file} as a load report.json: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const r = value as Partial<LoadReport> | null;
  if (r?.kind !== 'load') throw new ConfigError(`${file} is not the report.json of gatecheck load (its kind is ${JSON.stringify(r?.kind ?? null)})`);
  if (!r.metrics?.values || !Array.isArray(r.timeline) || !r.parameters || !r.target) throw new ConfigError(`${file}: a load report without metrics.values, timeline, parameters or target`);
  return r as LoadReport;
}
