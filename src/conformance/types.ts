import type { Failure } from '../model/conformance.js';
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
  | 'expiredTokens'
  | 'anyUserIds'
  | 'processMemory';

export interface CaseDef {
  id: string;
  suite: string;
  title: string;
  /** The guide's test this case comes from ("Test 4"), or null for cases beyond the seed. */
  seedRef: string | null;
  needs?: Need[];
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
export function suiteCase(suite: string) {
  return (name: string, title: string, body: CaseBody): CaseDef => ({ id: `${suite}.${name}`, suite, title, seedRef: null, ...body });
}

/** The guide's Step 4.16 Test n: id `seed.NN-name`, seedRef "Test n". */
export function seedCase(n: number, name: string, title: string, body: CaseBody): CaseDef {
  return { id: `seed.${String(n).padStart(2, '0')}-${name}`, suite: 'seed', title, seedRef: `Test ${n}`, ...body };
}
