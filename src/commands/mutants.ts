import type { Logger } from 'pino';
import { deviationRecognised, runMutants, type MutantsReport } from '../mutants/run.js';
import { chalkFor } from '../report/console.js';
import { MutantsConsoleReporter, type MutantProgress } from '../report/mutants-console.js';
import { chooseFormats, type ReporterName } from '../report/formats.js';
import { GithubReporter, mutantsAnnotations } from '../report/github.js';
import { renderMutantsJunit } from '../report/junit.js';
import { markdownReporter, mutantsMarkdown } from '../report/markdown.js';
import { mutantsHtmlReporter } from '../report/mutants-html.js';
import { DocumentReporter, Reporters, type Reporter } from '../report/reporter.js';
import { Sink } from '../report/sink.js';
import { dialectModule } from '../dialects/index.js';
import type { MutantSuite } from '../dialects/mutants.js';

export interface MutantsFlags {
  dialect: string;
  reportDir?: string;
  only?: string[];
  suite?: MutantSuite;
  redisUrl?: string;
  parallel?: number;
  json?: boolean;
  reporter?: string[];
}

export async function mutantsCommand(flags: MutantsFlags, logger: Logger): Promise<number> {
  const sink = new Sink(flags.json ? process.stderr : process.stdout);
  const reporters = new Reporters<MutantsReport, MutantProgress>(sink, mutantsReporters(sink, chooseFormats(flags, ['json', 'html']), flags));
  sink.say(`running the ${flags.suite ?? 'conformance'} suite against the healthy reference gateway, then each mutant...\n`);
  const report = await runMutants({
    module: dialectModule(flags.dialect),
    only: flags.only,
    suite: flags.suite,
    redisUrl: flags.redisUrl,
    parallel: flags.parallel,
    logger,
    onMutantDone: (result, index, total) => reporters.progress({ result, index, total }),
  });
  await reporters.end(report);
  return mutantsExitCode(report, (text) => sink.say(chalkFor(sink.human).red(text)));
}

/** The formats of a mutants run: console, mutants.json, report.html (the kill matrix), report.md, junit.xml, github. */
function mutantsReporters(sink: Sink, formats: Set<ReporterName>, flags: MutantsFlags): Array<Reporter<MutantsReport, MutantProgress>> {
  const list: Array<Reporter<MutantsReport, MutantProgress>> = [];
  const dir = flags.reportDir!;
  if (formats.has('console')) list.push(new MutantsConsoleReporter(sink));
  if (formats.has('json')) list.push(new DocumentReporter(sink, { file: 'mutants.json', dir: flags.reportDir, stdout: flags.json, render: (report) => sink.json(report) }));
  if (formats.has('html')) list.push(mutantsHtmlReporter(sink, dir));
  if (formats.has('markdown')) list.push(markdownReporter(sink, dir, mutantsMarkdown));
  if (formats.has('junit')) list.push(new DocumentReporter(sink, { file: 'junit.xml', dir, render: renderMutantsJunit }));
  if (formats.has('github')) list.push(new GithubReporter<MutantsReport>(sink, { annotations: mutantsAnnotations, summary: mutantsMarkdown }));
  return list;
}

/**
 * 1 when the proof failed: the healthy gateway failed (or errored) a case, a bug survived, a deviation
 * was misgraded or a verdict is inconclusive. Else 2 when something could not run here: mutants and
 * healthy cases that need two instances, without Redis (the proof is incomplete on this machine, as
 * with a missing target). Else 0. A skipped mutant is never a kill.
 */
export function mutantsExitCode(report: Pick<MutantsReport, 'healthy' | 'mutants'>, say: (text: string) => void = () => {}): 0 | 1 | 2 {
  const h = report.healthy.summary;
  const notProven = report.mutants.filter((m) => m.verdict !== 'skipped' && (m.kind === 'bug' ? !m.killed : !deviationRecognised(m)));
  const skipped = report.mutants.filter((m) => m.verdict === 'skipped');
  if (h.failed + h.errored - (report.healthy.passedOnlyAlone?.length ?? 0) + h.nonStrict > 0 || notProven.length) return 1;
  if (skipped.length || h.skipped) {
    const names = skipped.map((m) => m.name).join(', ');
    say(`incomplete: ${skipped.length} mutant(s)${names ? ` (${names})` : ''} and ${h.skipped} healthy case(s) could not run here, so nothing proves them: ${skipped[0]?.skipped ?? 'see the skipped cases above'}; exit 2\n`);
    return 2;
  }
  return 0;
}
