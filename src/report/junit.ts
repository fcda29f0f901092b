import type { LoadComparison } from '../model/compare.js';
import type { CaseResult, ConformanceReport, Finding } from '../model/conformance.js';
import type { LoadReport } from '../model/load.js';
import type { MutantsReport } from '../model/mutants.js';
import { baselineLabel, mutantOutcome } from './verdicts.js';
import type { Reporter } from './reporter.js';
import type { Sink } from './sink.js';

const esc = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

function details(c: CaseResult, findings: Finding[]): string {
  const f = c.evidence.failure;
  const lines = [c.reason];
  const finding = findings.find((x) => x.kind !== 'profile' && x.cases.includes(c.id));
  if (finding) lines.push(`finding: ${finding.title} (${finding.cases.length} case${finding.cases.length > 1 ? 's' : ''}; fix: ${finding.suggestedFix})`);
  if (f?.expected) lines.push(`expected: ${f.expected}`);
  if (f?.received) lines.push(`received: ${f.received}`);
  return lines.join('\n');
}

function timeline(c: CaseResult): string {
  return c.evidence.timeline.map((e) => `${String(e.t).padStart(5)}ms ${e.who.padEnd(8)} ${e.dir === 'out' ? '->' : e.dir === 'in' ? '<-' : '**'} ${e.event}${e.data ? ` ${e.data}` : ''}`).join('\n');
}

/** JUnit XML: one testsuite per suite, one testcase per case; non-strict passes with a note. */
export function renderJunit(report: ConformanceReport): string {
  const suites = [...new Set(report.cases.map((c) => c.suite))];
  const findings = report.findings ?? [];
  const body = suites.map((suite) => {
    const cases = report.cases.filter((c) => c.suite === suite);
    const count = (s: string) => cases.filter((c) => c.status === s).length;
    const time = cases.reduce((t, c) => t + c.durationMs, 0) / 1000;
    const tcs = cases.map((c) => {
      const name = esc(`${c.id}: ${c.title}${c.seedRef ? ` (${c.seedRef})` : ''}`);
      let inner = '';
      const mark = baselineLabel(report, c.id);
      const reason = mark ? `[${mark}] ${c.reason}` : c.reason;
      if (c.status === 'failed') inner = `<failure message="${esc(reason)}">${esc(details(c, findings))}</failure>`;
      else if (c.status === 'errored') inner = `<error message="${esc(reason)}">${esc(details(c, findings))}</error>`;
      else if (c.status === 'skipped') inner = `<skipped message="${esc(c.reason)}"/>`;
      else if (c.status === 'non-strict') inner = `<system-err>${esc(`non-strict: ${reason}`)}</system-err>`;
      if (mark === 'fixed') inner = `<failure message="${esc(`[fixed] ${report.baseline!.cases[c.id].note}`)}"/>`;
      const out = c.evidence.timeline.length ? `<system-out>${esc(timeline(c))}</system-out>` : '';
      return `    <testcase classname="gatecheck.${esc(report.dialect)}.${esc(suite)}" name="${name}" time="${(c.durationMs / 1000).toFixed(3)}">${inner}${out}</testcase>`;
    });
    return `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${count('failed')}" errors="${count('errored')}" skipped="${count('skipped')}" time="${time.toFixed(3)}">\n${tcs.join('\n')}\n  </testsuite>`;
  });
  const s = report.summary;
  // JUnit has no place for findings but a test suite's properties: one per finding, on a suite of its own.
  if (findings.length) {
    const props = findings.map((f, i) => `      <property name="finding.${i + 1}.${f.kind}" value="${esc(`${f.title} | cases: ${f.cases.join(', ')} | fix: ${f.suggestedFix}`)}"/>`);
    body.push(`  <testsuite name="findings" tests="0" failures="0" errors="0" skipped="0" time="0">\n    <properties>\n${props.join('\n')}\n    </properties>\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="gatecheck conformance (${esc(report.dialect)})" tests="${s.total}" failures="${s.failed + (s.blocked ?? 0)}" errors="${s.errored}" skipped="${s.skipped}" time="${(report.durationMs / 1000).toFixed(3)}">\n${body.join('\n')}\n</testsuites>\n`;
}

export { timeline as renderTimeline };

/** junit.xml in the report directory. */
export class JunitReporter implements Reporter<ConformanceReport> {
  constructor(
    private readonly sink: Sink,
    private readonly dir: string,
  ) {}

  async end(report: ConformanceReport): Promise<string[]> {
    return [await this.sink.file(this.dir, 'junit.xml', renderJunit(report))];
  }
}

const testsuites = (name: string, cases: Array<{ name: string; failure?: string; skipped?: string }>) => {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const body = cases
    .map((c) => `    <testcase classname="${esc(name)}" name="${esc(c.name)}">${c.failure ? `<failure message="${esc(c.failure)}"/>` : c.skipped ? `<skipped message="${esc(c.skipped)}"/>` : ''}</testcase>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n  <testsuite name="${esc(name)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${body}\n  </testsuite>\n</testsuites>\n`;
};

/** A load run as JUnit: a testcase per threshold (and per compared metric with a change threshold). */
export function renderLoadJunit(report: LoadReport, comparison?: LoadComparison): string {
  const cases = report.thresholds.map((t) => ({ name: t.expr, failure: t.ok ? undefined : `measured: ${t.value ?? 'not produced'}` }));
  for (const m of comparison?.metrics.filter((x) => x.allowed !== undefined) ?? []) cases.push({ name: `${m.metric} ${m.allowed} vs ${comparison!.base.file}`, failure: m.ok ? undefined : `${m.base} -> ${m.head}` });
  return testsuites(`gatecheck.load.${report.scenario}`, cases);
}

/** A mutants run as JUnit: a testcase per mutant, failed when it is not proven (skipped when it could not run). */
export function renderMutantsJunit(report: MutantsReport): string {
  return testsuites(
    `gatecheck.mutants.${report.dialect}`,
    report.mutants.map((m) => {
      const o = mutantOutcome(m);
      return { name: `${m.name}: ${m.description}`, skipped: m.verdict === 'skipped' ? m.skipped ?? 'skipped' : undefined, failure: o.ok || m.verdict === 'skipped' ? undefined : o.label };
    }),
  );
}
