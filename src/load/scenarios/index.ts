import { UsageError } from '../../errors.js';
import { KRAKEN_SCENARIOS } from '../kraken/scenarios.js';
import { fanoutLike, fanoutScenario } from './fanout.js';
import { stormScenario } from './storm.js';
import { throughputScenario } from './throughput.js';
import type { LoadScenario } from './types.js';

const SCENARIOS: LoadScenario[] = [fanoutScenario, stormScenario, throughputScenario, ...KRAKEN_SCENARIOS];

/** The scenario of that file name (scenarios/FILE.yml); a file gatecheck does not know runs as fan-out traffic under its own name. */
export function loadScenario(file: string): LoadScenario {
  return SCENARIOS.find((s) => (s.file ?? s.name) === file) ?? fanoutLike(file);
}

/**
 * The file a scenario name means for a dialect: a Kraken target runs scenarios/kraken-NAME.yml. A name
 * only the other dialect has is a usage error; a path is taken as is.
 */
export function scenarioFileFor(name: string, dialect: string): string {
  if (/\.ya?ml$/.test(name)) return name;
  const mine = SCENARIOS.find((s) => s.name === name && (s.dialect ?? 'chat-service') === dialect);
  if (mine) return mine.file ?? mine.name;
  const other = SCENARIOS.find((s) => s.name === name);
  if (other) throw new UsageError(`${name} is a ${other.dialect ?? 'chat-service'} scenario; the target speaks ${dialect}${other.dialect === 'kraken' ? ' (add --dialect kraken, or --target a kraken config)' : ''}`);
  return name;
}

export type { LoadScenario };
