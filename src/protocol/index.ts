import { chatServiceDialect } from './chat-service/index.js';
import { krakenDialect } from './kraken/index.js';
import { PROTOCOL_NAMES, type ProtocolName } from './names.js';
import type { Dialect } from './types.js';

/**
 * Every protocol gatecheck speaks, by name: what load and conformance both need (event names, schemas),
 * without conformance's cases or the reference gateways.
 */
const PROTOCOLS: Record<ProtocolName, (overrides?: Record<string, string>) => Dialect> = {
  'chat-service': chatServiceDialect,
  kraken: krakenDialect,
};

export function protocolFor(name: string, overrides?: Record<string, string>): Dialect {
  const make = PROTOCOLS[name as ProtocolName];
  if (!make) throw new Error(`unknown protocol "${name}" (known: ${PROTOCOL_NAMES.join(', ')})`);
  return make(overrides);
}

export { PROTOCOL_NAMES, type Dialect, type ProtocolName };
