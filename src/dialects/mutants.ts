/**
 * Deliberate, realistic bugs a reference gateway can be started with (one at a time), and the open
 * points it can take the other way (deviations). The suite must kill every bug and grade every
 * deviation non-strict: that is how it proves it can fail.
 */
export interface MutantInfo<Area extends string = string> {
  name: string;
  /** The part of the protocol it breaks: a case of the same area is expected to kill it. */
  area: Area;
  description: string;
  /** Needs several instances (a Redis) to show. */
  needsMultiInstance?: boolean;
  /** 'bug' (default) must be killed (a case fails); 'deviation' must be graded non-strict, never failed. */
  kind?: 'bug' | 'deviation';
  /** Breaks nearly every case by design (e.g. every connect); proves nothing about a single case. */
  blanket?: boolean;
  /** Which suite must kill it: the conformance suite (default) or the robustness suite (`gatecheck mutants --suite robustness`). */
  suite?: MutantSuite;
  /** Robustness mutants: the one case run against it in the kill matrix (each attack has its own bug). */
  killer?: string;
}

export type MutantSuite = 'conformance' | 'robustness';

/** The mutants a suite must kill. */
export const mutantsOfSuite = <M extends MutantInfo>(list: readonly M[], suite: MutantSuite): M[] => list.filter((m) => (m.suite ?? 'conformance') === suite);

/** Answers "is this deliberate bug switched on?" inside one gateway instance. */
export type IsMutant = (name: string) => boolean;

export interface MutantCatalogue<Area extends string = string> {
  readonly list: readonly MutantInfo<Area>[];
  find(name: string): MutantInfo<Area> | undefined;
  /** Undefined for a known name; else the message naming the known ones. */
  problemWith(name: string): string | undefined;
  /**
   * The switch of one instance. An unknown name is refused, so a typo never runs the faithful gateway
   * while the caller believes a mutant is on; asking about an unregistered name is a bug in the gateway.
   */
  switchFor(active?: string | null): IsMutant;
}

export function defineMutants<Area extends string>(list: readonly MutantInfo<Area>[]): MutantCatalogue<Area> {
  const byName = new Map(list.map((m) => [m.name, m]));
  const problemWith = (name: string) => (byName.has(name) ? undefined : `unknown mutant "${name}"; known mutants: ${list.map((m) => m.name).join(', ')}`);
  return {
    list,
    find: (name) => byName.get(name),
    problemWith,
    switchFor(active) {
      const name = active?.trim() || undefined;
      const problem = name === undefined ? undefined : problemWith(name);
      if (problem) throw new Error(problem);
      return (candidate: string) => {
        if (!byName.has(candidate)) throw new Error(`isMutant: no mutant named "${candidate}" is registered`);
        return candidate === name;
      };
    },
  };
}

export const isDeviation = (m: Pick<MutantInfo, 'kind'>): boolean => m.kind === 'deviation';
