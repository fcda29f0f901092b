import type { CaseResult, Finding } from '../model/conformance.js';
import type { Profile } from '../profiles/profile.js';

/**
 * The shape of a reason without what differs from case to case (probe labels, ids, numbers, quoted
 * texts), so that one cause seen by twenty cases reads as one finding.
 */
export function causeOf(text: string): string {
  return text
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\b[\w-]+@\d+\b/g, '<probe>')
    .replace(/\b[\w-]*[0-9a-f]{8}[\w-]*/gi, '<id>')
    .replace(/\b(?:user|world|channel|dm|alias|community|conv)-[\w-]+/gi, '<id>')
    .replace(/\b\d+(\.\d+)?\s*ms\b/g, 'N ms')
    .replace(/\b\d+\b/g, 'N')
    .replace(/\s+/g, ' ')
    .trim();
}

const STEP_FIX: Record<string, string> = {
  connect: 'a valid token is refused: run `gatecheck doctor` (auth secret, algorithm, user id claim, rate limit)',
  joinAll: 'joinAll is not answered as the document says (no ack, no userOnline): is it renamed (events: joinAll: subscribeAll), or does the server expect presenceOnline after it (a profile `after` rule)? See its own cases in kraken-rooms',
  send: 'the server refuses the message gatecheck sends: compare the error with the document; a server that differs on purpose is described by an outbound profile rule (profiles/)',
  deliver: 'a message does not reach everyone it should (sender echo, room membership, or the Redis adapter across instances): see the delivery case of the same step',
  sync: 'messages:sync does not return what the document says even without anything else going on: see seed.16',
};

/** Groups every non-passed case by cause and lists each profile difference that was needed. */
export function findingsOf(cases: CaseResult[], profile?: Profile): Finding[] {
  const groups = new Map<string, Finding>();
  const add = (signature: string, kind: Finding['kind'], title: string, c: CaseResult, suggestedFix: string) => {
    const existing = groups.get(signature);
    if (existing) existing.cases.push(c.id);
    else groups.set(signature, { signature, kind, title, cases: [c.id], example: { caseId: c.id, reason: c.reason }, suggestedFix });
  };
  for (const c of cases) {
    for (const difference of c.evidence.profile ?? []) {
      add(`profile:${difference}`, 'profile', `server differs from the document: ${difference}`, c, `covered by profile ${profile?.name ?? ''}; the document and the server disagree here: fix the server, or keep the rule as the record of the drift`.replace('  ', ' '));
    }
    if (c.status === 'passed') continue;
    if (c.status === 'failed' && c.blockedBy) {
      const step = c.blockedBy.split(' (')[0];
      const fix = STEP_FIX[step] ?? `fix the ${step} step first: every case listed depends on it`;
      if (step !== c.blockedBy) {
        // A suspect: the step showed no sign of working, and what came after it failed.
        const why = causeOf(withoutSubject(c.blockedBy.slice(step.length + 2, -1)));
        add(`blocked:${step}:suspect:${why}`, 'blocked', `${step} shows no sign of working (${why}); the cases failed after it`, c, fix);
      } else {
        const cause = causeOf(c.evidence.failure?.message ?? c.reason);
        add(`blocked:${step}:${cause}`, 'blocked', `${step} fails: ${cause}`, c, fix);
      }
      continue;
    }
    if (c.status === 'failed' && c.evidence.violations.length > 0 && !c.evidence.failure) {
      const v = c.evidence.violations[0];
      const paths = v.issues.map((i) => i.path).join(', ');
      add(`violation:${v.event}:${paths}`, 'violation', `${v.event} does not match the documented shape at ${paths}`, c, `send ${v.event} as the document shows it (${v.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}), or normalise it with an inbound profile rule if the difference is deliberate`);
      continue;
    }
    if (c.status === 'failed') {
      const f = c.evidence.failure;
      const answer = f ? answerShape(f.expected, f.received) : undefined;
      const cause = answer ?? causeOf(withoutSubject(f?.message ?? c.reason));
      const step = f?.step;
      add(`failed:${step ?? ''}:${cause}`, 'failed', cause, c, step && STEP_FIX[step] ? STEP_FIX[step] : `see ${c.id}'s evidence: expected ${f?.expected ?? 'what its title says'}`);
      continue;
    }
    if (c.status === 'non-strict') {
      for (const how of c.evidence.deviations) add(`non-strict:${causeOf(withoutSubject(how))}`, 'non-strict', causeOf(withoutSubject(how)), c, 'acceptable, not the letter of the document (see docs/open-points.md); --strict fails it');
      continue;
    }
    const cause = causeOf(c.reason);
    if (c.status === 'errored') add(`errored:${cause}`, 'errored', cause, c, 'the harness could not run these cases: fix what the reason names (setup call, target down, deadline) and run again');
    else add(`skipped:${cause}`, 'skipped', cause, c, 'declare what the reason names in the target config to run these cases');
  }
  const order: Finding['kind'][] = ['failed', 'violation', 'blocked', 'errored', 'non-strict', 'profile', 'skipped'];
  return [...groups.values()].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || b.cases.length - a.cases.length);
}

/**
 * For a failure about how the server answered an action (expected a refusal / an ack, got something
 * else), the cause is the kind of answer, whichever event it was: "expected error event {code}, got
 * exception event {status, message, cause}" groups every refusal the server words its own way.
 */
export function answerShape(expected: string | undefined, received: string | undefined): string | undefined {
  if (!expected || !received) return undefined;
  const kind = /^(ack|error event|exception event|no answer|the socket was disconnected)\b/.exec(received)?.[1];
  if (!kind || !/^(error event|ack|an ack|no error|the new message)/.test(expected)) return undefined;
  if (kind === 'no answer') return `expected ${causeOf(expected).replace(/\{[^}]*\}/, (m) => m.replace(/: '[^']*'|: "[^"]*"|: '…'|: "…"/g, ''))}, got no answer (no ack, no error event)`;
  // What the server answers with, whatever the document expected there: one wording, one finding.
  return `the server answers with ${kind} ${topLevelShape(received.slice(kind.length).trim())} where the document expects another answer`;
}

/** `{a, b}` for an object's top-level keys, `[…]` for a list, of a (possibly shortened) JSON text. */
function topLevelShape(text: string): string {
  if (text.startsWith('[')) return '[…] (a list)';
  if (!text.startsWith('{')) return '';
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === '"' ) {
      const end = text.indexOf('"', i + 1);
      if (end < 0) break;
      if (depth === 1 && text[end + 1] === ':') keys.push(text.slice(i + 1, end));
      i = end;
    }
  }
  return `{${[...new Set(keys)].join(', ')}}`;
}

/** "a malformed token: refused in the middleware" -> "refused in the middleware": the cause without its case. */
function withoutSubject(text: string): string {
  let depth = 0;
  for (let i = 0; i < Math.min(text.length - 1, 80); i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (depth === 0 && text[i] === ':' && text[i + 1] === ' ') return text.slice(i + 2);
  }
  return text;
}

/** The one line a console shows per finding. */
export function findingLine(f: Finding): string {
  const n = f.cases.length;
  const cases = n === 1 ? f.cases[0] : `${n} cases (${f.cases.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''})`;
  return `[${f.kind}] ${f.title} — ${cases}`;
}
