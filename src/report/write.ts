import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderJunit } from './junit.js';
import type { ConformanceReport } from './model.js';
import type { Redactor } from './redact.js';

/** Writes report.json and junit.xml into dir; returns the paths written. */
export async function writeConformanceReports(dir: string, report: ConformanceReport, redactor: Redactor): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const junit = join(dir, 'junit.xml');
  await writeFile(json, redactor.json(report, 2) + '\n');
  await writeFile(junit, redactor.text(renderJunit(report)));
  return [json, junit];
}
