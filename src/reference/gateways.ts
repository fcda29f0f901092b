import { CHAT_MUTANTS } from '../dialects/chat-service/mutants.js';
import { KRAKEN_MUTANTS } from '../dialects/kraken/mutants.js';
import type { MutantCatalogue } from '../dialects/mutants.js';
import type { ProtocolName } from '../protocol/names.js';

/** The bundled reference gateways: where each is built, the mutants it knows, how its instances share broadcasts. */
export const REFERENCE_GATEWAYS: Record<ProtocolName, { dir: string; mutants: MutantCatalogue; adapters: readonly ('pubsub' | 'streams')[] }> = {
  'chat-service': { dir: 'fixtures/reference-gateways/chat-service', mutants: CHAT_MUTANTS, adapters: ['pubsub', 'streams'] },
  kraken: { dir: 'fixtures/reference-gateways/kraken', mutants: KRAKEN_MUTANTS, adapters: ['pubsub'] },
};
