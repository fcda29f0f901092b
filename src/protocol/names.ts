/** The protocols' names alone: `--help` and the config schema name them without loading any schema. */
export const PROTOCOL_NAMES = ['chat-service', 'kraken'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
