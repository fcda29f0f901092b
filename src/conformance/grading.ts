import type { ZodType } from 'zod';
import { describeOutcome, type Outcome } from '../client/outcome.js';
import { summarize, Timeline } from '../client/timeline.js';
import { CaseFailure, CaseSkip, type Failure } from './types.js';

/**
 * How a case reaches its verdict: failures with what was expected and what arrived, skips, non-strict
 * deviations, notes, and the checks of payloads and rejections. CaseContext adds the target to it.
 */
export class CaseGrading {
  readonly timeline = new Timeline();
  readonly deviations: string[] = [];
  readonly notes: string[] = [];

  fail(message: string, details: Omit<Failure, 'message'> = {}): never {
    throw new CaseFailure({ message, ...details });
  }

  check(condition: unknown, message: string, details: Omit<Failure, 'message'> = {}): void {
    if (!condition) this.fail(message, details);
  }

  /** Like check, for a value the case goes on to use. */
  ensure<T>(value: T | undefined | null | false, message: string, details: Omit<Failure, 'message'> = {}): T {
    if (!value) this.fail(message, details);
    return value;
  }

  /**
   * A step other cases depend on (connect, joinAll, send, deliver...): a failure inside it names the step,
   * so a case whose subject it is not is reported as blocked by it, and findings group by it.
   */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof CaseFailure && !err.failure.step) err.failure.step = name;
      throw err;
    }
  }

  /**
   * A step that went through without any sign that it worked (no ack, no event it should cause): if the
   * case then fails, it was likely blocked by it, and the report says so rather than blame what follows.
   */
  suspect(step: string, why: string): void {
    if (!this.suspects.has(step)) this.suspects.set(step, why);
    this.timeline.note(`suspect: ${step}: ${why}`);
  }

  readonly suspects = new Map<string, string>();

  skip(reason: string): never {
    throw new CaseSkip(reason);
  }

  /** Acceptable, but not the document's letter: the case ends `non-strict` unless it fails. */
  nonStrict(how: string): void {
    this.deviations.push(how);
    this.timeline.note(`non-strict: ${how}`);
  }

  note(text: string): void {
    this.notes.push(text);
    this.timeline.note(text);
  }

  /** Validates a payload the case relies on; a mismatch fails the case with the zod paths. */
  conforms<T>(schema: ZodType<T>, value: unknown, what: string): T {
    const r = schema.safeParse(value);
    if (!r.success) {
      this.fail(`${what} does not match the documented shape`, {
        expected: r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '),
        received: summarize(value),
      });
    }
    return r.data;
  }

  /**
   * The action must be rejected with `code`. Open point 1: an `error` event with the code is strict, a
   * negative ack with the code is non-strict, anything without the code fails.
   */
  expectRejected(outcome: Outcome, code: string, what: string): void {
    const expected = `error event { code: '${code}' }`;
    if (outcome.kind === 'error') {
      this.check(outcome.payload.code === code, `${what}: wrong error code`, { expected, received: describeOutcome(outcome) });
      return;
    }
    if (outcome.kind === 'ack') {
      const v = outcome.value as { success?: unknown; error?: { code?: unknown }; code?: unknown } | null;
      const ackCode = v?.error?.code ?? v?.code;
      if (v && v.success === false && ackCode === code) {
        this.nonStrict(`${what}: rejected with a negative ack carrying ${code} instead of an error event (spec/README open point 1)`);
        return;
      }
      this.fail(`${what}: expected a rejection, the action was acknowledged`, { expected, received: describeOutcome(outcome) });
    }
    this.fail(`${what}: expected a rejection with ${code}`, { expected, received: describeOutcome(outcome) });
  }
}
