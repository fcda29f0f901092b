import { UsageError } from '../errors.js';
import { chatServiceModule } from './chat-service/index.js';
import { krakenModule } from './kraken/index.js';
import type { DialectModule, DialectName } from './types.js';

const MODULES: DialectModule[] = [chatServiceModule, krakenModule];

export const DIALECT_NAMES = MODULES.map((m) => m.name);

export function dialectModule(name: string): DialectModule {
  const found = MODULES.find((m) => m.name === name);
  if (!found) throw new UsageError(`unknown dialect "${name}" (known: ${DIALECT_NAMES.join(', ')})`);
  return found;
}

export type { DialectModule, DialectName };
