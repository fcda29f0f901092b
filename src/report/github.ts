import type { LoadComparison } from '../model/compare.js';
import type { ConformanceReport } from '../model/conformance.js';
import type { LoadReport } from '../model/load.js';
import type { MutantsReport } from '../model/mutants.js';
import { describeChange } from './compare-text.js';
import type { Reporter } from './reporter.js';
import type { Sink } from './sink.js';
import { mutantOutcome } from './verdicts.js';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title: string;
  message: string;
}

/** GitHub's workflow-command escaping (actions/toolkit): data escapes %, CR and LF; properties also : and ,. */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export const workflowCommand = (a: Annotation): string => `::${a.level} title=${escapeProperty(a.title)}::${escapeData(a.message)}`;

/** Whether the github reporter is on without being asked: inside a GitHub Actions job. */
export const inGithubActions = (env: NodeJS.ProcessEnv = process.env): boolean => env.GITHUB_ACTIONS === 'true';

/**
 * Annotations on the job (a line each on the human stream, which the runner reads) and a Markdown job
 * summary appended to $GITHUB_STEP_SUMMARY, both through the Sink, so both are redacted.
 */
export class GithubReporter<R> implements Reporter<R, never> {
  constructor(
    private readonly sink: Sink,
    private readonly render: { annotations(result: R): Annotation[]; summary(result: R): string },
    private readonly summaryFile: string | undefined = process.env.GITHUB_STEP_SUMMARY,
  ) {}

  async end(result: R): Promise<string[]> {
    for (const a of this.render.annotations(result)) this.sink.say(`${workflowCommand(a)}\n`);
    if (!this.summaryFile) return [];
    await this.sink.append(this.summaryFile, this.render.summary(result));
    return [this.summaryFile];
  }
}

export function conformanceAnnotations(r: ConformanceReport): Annotation[] {
  const list: Annotation[] = [];
  for (const c of r.cases) {
    const mark = r.baseline?.cases[c.id];
    const title = `gatecheck ${r.dialect} ${c.id}`;
    if (mark?.mark === 'fixed') list.push({ level: 'error', title, message: `${c.id} is in the baseline but ${mark.note}` });
    else if (mark?.mark === 'accepted') list.push({ level: 'warning', title, message: `${c.id} ${c.status} (still failing, accepted: ${mark.note}): ${c.reason}` });
    else if (mark?.mark === 'new') list.push({ level: 'error', title, message: `${c.id} ${c.status} (new: ${mark.note}): ${c.reason}` });
    else if (c.status === 'failed' || c.status === 'errored') list.push({ level: 'error', title, message: `${c.id} ${c.status}: ${c.reason}` });
    else if (c.status === 'non-strict') list.push({ level: r.strict ? 'error' : 'warning', title, message: `${c.id} non-strict: ${c.reason}` });
  }
  return list;
}

export function loadAnnotations(r: LoadReport, comparison?: LoadComparison): Annotation[] {
  const title = `gatecheck load ${r.scenario}`;
  const list: Annotation[] = r.thresholds.filter((t) => !t.ok).map((t) => ({ level: 'error', title, message: `threshold ${t.expr} failed (measured: ${t.value ?? 'not produced'})` }));
  if (r.generator.saturated) list.push({ level: 'warning', title, message: `the load generator was saturated (${r.generator.reasons.join('; ')}): its numbers measure the generator` });
  if (comparison) list.push(...comparisonAnnotations(comparison));
  return list;
}

export function comparisonAnnotations(c: LoadComparison): Annotation[] {
  return c.metrics
    .filter((m) => !m.ok)
    .map((m) => {
      const d = describeChange(m);
      return { level: 'error', title: `gatecheck compare ${c.scenario}`, message: `${m.metric} ${d.base} -> ${d.head} ${d.change}: beyond ${m.allowed}${d.noise ? `; ${d.noise}` : ''}` };
    });
}

export function mutantsAnnotations(r: MutantsReport): Annotation[] {
  const list: Annotation[] = r.healthy.notPassed.map((line) => ({ level: 'error', title: `gatecheck mutants ${r.dialect}`, message: `the healthy gateway did not pass: ${line}` }));
  for (const m of r.mutants) {
    const o = mutantOutcome(m);
    if (o.ok) continue;
    const level = m.verdict === 'skipped' || m.verdict === 'inconclusive' ? 'warning' : 'error';
    list.push({ level, title: `gatecheck mutant ${m.name}`, message: `${m.name} ${o.label}: ${m.description}${m.skipped ? ` (${m.skipped})` : ''}` });
  }
  return list;
}
