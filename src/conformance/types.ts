import type { Failure } from '../model/conformance.js';
import type { TargetConfig } from '../config/schema.js';
import type { CaseContext } from './context.js';

export type { CaseEvidence, CaseResult, CaseStatus, Failure } from '../model/conformance.js';

/** Something a case needs the target to have declared; missing means `skipped` with a reason. */
export type Need =
  | 'rest.createConversation'
  | 'rest.addParticipant'
  | 'rest.removeParticipant'
  | 'rest.leaveConversation'
  | 'rest.sendMessage'
  | 'multiInstance'
  | 'rateLimit'
  | 'redis'
  | 'expiredTokens'
  | 'anyUserIds'
  | 'processMemory';

export interface LongWait {
  ms: number;
  /** What the case waits for, e.g. "the 60 s presence TTL". */
  why: string;
}

export interface CaseDef {
  id: string;
  suite: string;
  title: string;
  /** The guide's test this case comes from ("Test 4"), or null for cases beyond the seed. */
  seedRef: string | null;
  needs?: Need[];
  /**
   * The steps this case exists to test (e.g. kraken-messages: send, deliver). A failure in any other
   * named step (ctx.step) means the case was blocked by it, not that it failed.
   */
  subject?: string[];
  /**
   * How much longer than timeouts.caseMs this case may take, and why (a TTL it waits out); undefined
   * when it waits for nothing unusual. Its deadline grows by `ms`, the run's by the sum, and `conform`
   * says up front what a long wait is for.
   */
  longWait?: (config: TargetConfig) => LongWait | undefined;
  /**
   * A robustness case (an attack on the target): run one at a time, never in the default run, and a
   * target that goes down during it is the case's finding (failed), not a harness error.
   */
  hostile?: boolean;
  run(ctx: CaseContext): Promise<void>;
}

/** Thrown to end a case as failed. */
export class CaseFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Thrown to end a case as skipped. */
export class CaseSkip extends Error {}

type CaseBody = Omit<CaseDef, 'id' | 'suite' | 'title' | 'seedRef'>;

/** A suite's case factory: ids are `<suite>.<name>`, seedRef null (cases beyond the guide's tests). */
export function suiteCase(suite: string, subject: string[] = []) {
  return (name: string, title: string, body: CaseBody): CaseDef => ({ id: `${suite}.${name}`, suite, title, seedRef: null, subject, ...body });
}

/** The guide's Step 4.16 Test n: id `seed.NN-name`, seedRef "Test n". */
export function seedCase(n: number, name: string, title: string, body: CaseBody): CaseDef {
  return { id: `seed.${String(n).padStart(2, '0')}-${name}`, suite: 'seed', title, seedRef: `Test ${n}`, ...body };
}
