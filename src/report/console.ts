import { Chalk, type ChalkInstance } from 'chalk';
import type { CaseProgress, CaseResult, CaseStatus, ConformanceReport } from '../model/conformance.js';
import { renderTimeline } from './junit.js';
import { findingLine } from '../conformance/findings.js';
import type { Reporter } from './reporter.js';
import type { Sink } from './sink.js';

/** Colour only for a terminal, and never with NO_COLOR set. */
export function chalkFor(stream: NodeJS.WriteStream): ChalkInstance {
  const off = 'NO_COLOR' in process.env || !stream.isTTY;
  return new Chalk({ level: off ? 0 : 1 });
}

const MARK: Record<CaseStatus, string> = { passed: '✓', 'non-strict': '~', failed: '✗', skipped: '-', errored: '!' };

/** The human view: a line per case as it ends (the progress of a long run), evidence for failures, a summary. */
export class ConsoleReporter implements Reporter<ConformanceReport, CaseProgress> {
  private readonly c: ChalkInstance;
  private readonly out: { write(text: string): void };
  constructor(sink: Sink, private readonly verbose = false) {
    this.c = chalkFor(sink.human);
    this.out = { write: (text) => sink.say(text) };
  }

  private paint(status: CaseStatus, text: string): string {
    const { c } = this;
    return { passed: c.green, 'non-strict': c.yellow, failed: c.red, skipped: c.gray, errored: c.magenta }[status](text);
  }

  /** One line as each case ends: the progress of a long run. */
  progress({ result: r, index, total }: CaseProgress): void {
    const ref = r.seedRef ? this.c.gray(` (${r.seedRef})`) : '';
    const counter = this.c.gray(`[${String(index).padStart(String(total).length)}/${total}]`);
    this.out.write(`${counter} ${this.paint(r.status, `${MARK[r.status]} ${r.id}`)} ${r.title}${ref} ${this.c.gray(`${r.durationMs}ms`)}\n`);
    // A blocked case shows what blocked it; the evidence is that of the step's own case.
    if (r.blockedBy && !this.verbose) this.out.write(`      ${this.c.gray(r.reason)}\n`);
    else if (r.status === 'failed' || r.status === 'errored' || (this.verbose && r.status !== 'passed')) this.details(r);
    else if (r.status !== 'passed') this.out.write(`      ${this.c.gray(r.reason)}\n`);
  }

  private details(r: CaseResult): void {
    const f = r.evidence.failure;
    this.out.write(`      ${this.paint(r.status, r.reason)}\n`);
    if (f?.expected) this.out.write(`      ${this.c.green('expected:')} ${f.expected}\n`);
    if (f?.received) this.out.write(`      ${this.c.red('received:')} ${f.received}\n`);
    for (const v of r.evidence.violations.slice(0, 3)) {
      this.out.write(`      ${this.c.red('contract violation')} ${v.who} ${v.event}: ${v.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}\n`);
    }
    const hidden = r.evidence.violations.length + (r.evidence.cuts?.violations ?? 0) - 3;
    if (hidden > 0) this.out.write(`      ${this.c.gray(`(${hidden} more contract violations in the report)`)}\n`);
    const tl = renderTimeline(r).split('\n').filter(Boolean);
    if (tl.length) {
      this.out.write(`      ${this.c.gray('timeline (last 12):')}\n`);
      for (const line of tl.slice(-12)) this.out.write(`        ${this.c.gray(line)}\n`);
    }
  }

  async end(report: ConformanceReport): Promise<string[]> {
    this.findings(report);
    this.summary(report);
    return [];
  }

  /** Non-passed cases by cause, and the profile's differences: what to fix, not a list of symptoms. */
  private findings(report: ConformanceReport): void {
    const findings = report.findings ?? [];
    if (findings.length === 0) return;
    const problems = findings.filter((f) => f.kind !== 'profile').length;
    const differences = findings.length - problems;
    const counts = [problems ? `${problems} finding${problems > 1 ? 's' : ''}` : '', differences ? `${differences} difference${differences > 1 ? 's' : ''} covered by profile ${report.profile?.name ?? ''}` : ''].filter(Boolean);
    this.out.write(`\n${this.c.bold('findings')} (${counts.join('; ')})\n`);
    for (const f of findings) {
      const paint = f.kind === 'profile' || f.kind === 'skipped' ? this.c.gray : f.kind === 'non-strict' ? this.c.yellow : f.kind === 'errored' ? this.c.magenta : this.c.red;
      this.out.write(`  ${paint(findingLine(f))}\n`);
      if (f.kind !== 'profile' && f.kind !== 'skipped') this.out.write(`      ${this.c.gray(`fix: ${f.suggestedFix}`)}\n`);
    }
  }

  private summary(report: ConformanceReport): void {
    const s = report.summary;
    const parts = [
      this.c.green(`${s.passed} passed`),
      s.nonStrict ? this.c.yellow(`${s.nonStrict} non-strict`) : `${s.nonStrict} non-strict`,
      s.failed ? this.c.red(`${s.failed} failed`) : `${s.failed} failed`,
      ...(s.blocked ? [this.c.red(`${s.blocked} blocked`)] : []),
      `${s.skipped} skipped`,
      s.errored ? this.c.magenta(`${s.errored} errored`) : `${s.errored} errored`,
    ];
    const where = report.target.source === 'reference' ? `reference gateway (${report.target.instances.length} instance${report.target.instances.length > 1 ? 's' : ''}${report.target.mutant ? `, mutant ${report.target.mutant}` : ''}${report.target.drift ? `, drifting as ${report.target.drift}` : ''})` : report.target.instances.join(', ');
    const profile = report.profile ? ` with profile ${report.profile.name}` : '';
    this.out.write(`\n${this.c.bold('gatecheck conform')} ${report.dialect} against ${where}${profile}\n`);
    this.out.write(`${parts.join(', ')} of ${s.total} in ${(report.durationMs / 1000).toFixed(1)}s\n`);
    if (report.baseline) this.baseline(report);
  }

  /** Each case the baseline marks: new failures first, then the entries to delete, then the accepted ones. */
  private baseline(report: ConformanceReport): void {
    const b = report.baseline!;
    const { c } = this;
    this.out.write(`baseline ${b.file}: ${b.counts.new ? c.red(`${b.counts.new} new`) : '0 new'}, ${b.counts.accepted} still failing (accepted), ${b.counts.fixed ? c.red(`${b.counts.fixed} fixed`) : '0 fixed'}\n`);
    const byMark = (mark: string) => Object.entries(b.cases).filter(([, m]) => m.mark === mark);
    for (const [id, m] of byMark('new')) this.out.write(`  ${c.red('new')}      ${id} ${report.cases.find((x) => x.id === id)?.status}: ${m.note}\n`);
    for (const [id, m] of byMark('fixed')) this.out.write(`  ${c.red('fixed')}    ${id} ${m.note}\n`);
    for (const [id, m] of byMark('accepted')) this.out.write(`  ${c.yellow('accepted')} ${id} still failing: ${m.note}\n`);
    if (b.notRun.length) this.out.write(`  ${c.gray(`not run here (kept): ${b.notRun.join(', ')}`)}\n`);
    this.out.write(b.passed ? c.green('gate: nothing got worse\n') : c.red(`gate: failed (${[b.counts.new ? 'new failures' : '', b.counts.fixed ? 'stale baseline entries' : ''].filter(Boolean).join(' and ')})\n`));
  }
}
