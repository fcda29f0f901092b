import { fanoutLike, fanoutScenario } from './fanout.js';
import { stormScenario } from './storm.js';
import { throughputScenario } from './throughput.js';
import type { LoadScenario } from './types.js';

const SCENARIOS: LoadScenario[] = [fanoutScenario, stormScenario, throughputScenario];

/** The scenario of that name; a file gatecheck does not know runs as fan-out traffic under its own name. */
export function loadScenario(name: string): LoadScenario {
  return SCENARIOS.find((s) => s.name === name) ?? fanoutLike(name);
}

export type { LoadScenario };
