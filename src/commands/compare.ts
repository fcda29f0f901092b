import { UsageError } from '../errors.js';
import { compareLoads, parameterDifferences } from '../load/compare.js';
import { parseChangeThreshold } from '../load/change-thresholds.js';
import { readLoadReport } from '../load/read-report.js';
import type { LoadComparison, ParameterDifference } from '../model/compare.js';
import type { LoadReport } from '../model/load.js';
import { comparisonText } from '../report/compare-text.js';
import { chooseFormats } from '../report/formats.js';
import { comparisonAnnotations, GithubReporter } from '../report/github.js';
import { comparisonMarkdown, markdownReporter } from '../report/markdown.js';
import { DocumentReporter, Reporters, type Reporter } from '../report/reporter.js';
import { Sink } from '../report/sink.js';

export interface CompareFlags {
  threshold?: string[];
  allowDifferent?: boolean;
  reporter?: string[];
  reportDir?: string;
  json?: boolean;
}

/** `gatecheck compare BASE.json HEAD.json`: 0 no regression beyond the change thresholds, 1 a regression, 2 runs not comparable. */
export async function compareCommand(baseFile: string, headFile: string, flags: CompareFlags): Promise<number> {
  flags.threshold?.forEach(parseChangeThreshold); // a typo is exit 2 before anything is read
  const formats = chooseFormats(flags, ['json', 'markdown']);
  for (const f of ['junit', 'html'] as const) if (formats.has(f)) throw new UsageError(`--reporter ${f} is not a format of compare (console, json, markdown, github)`);
  const [base, head] = await Promise.all([readLoadReport(baseFile), readLoadReport(headFile)]);
  refuseDifferentRuns(base, head, Boolean(flags.allowDifferent), baseFile);
  const comparison = compareLoads(base, head, { base: baseFile, head: headFile }, flags.threshold);
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const list: Array<Reporter<LoadComparison>> = [];
  if (formats.has('console')) list.push({ end: async (c) => (sink.say(comparisonText(c)), []) });
  if (formats.has('json')) list.push(new DocumentReporter(sink, { file: 'comparison.json', dir: flags.reportDir, stdout: flags.json, render: (c) => sink.json(c) }));
  if (formats.has('markdown')) list.push(markdownReporter(sink, flags.reportDir!, (c: LoadComparison) => comparisonMarkdown(c)));
  if (formats.has('github')) list.push(new GithubReporter<LoadComparison>(sink, { annotations: comparisonAnnotations, summary: (c) => comparisonMarkdown(c) }));
  await new Reporters(sink, list).end(comparison);
  return comparison.passed ? 0 : 1;
}

/** Runs of different shapes measure different things: exit 2 unless the caller says to compare anyway. */
export function refuseDifferentRuns(base: Pick<LoadReport, 'scenario' | 'target' | 'parameters'>, head: Pick<LoadReport, 'scenario' | 'target' | 'parameters'>, allow: boolean, baseFile: string): ParameterDifference[] {
  const diffs = parameterDifferences(base, head);
  if (diffs.length && !allow) {
    const list = diffs.map((d) => `${d.name} ${d.base ?? '(unset)'} vs ${d.head ?? '(unset)'}`).join(', ');
    throw new UsageError(`the runs differ (${list}): their figures are not comparable with ${baseFile}; rerun with the same parameters, or give --allow-different to compare anyway`);
  }
  return diffs;
}
