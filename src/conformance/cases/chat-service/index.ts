import type { CaseDef } from '../../types.js';
import { authCases } from './auth.js';
import { bookkeepingCases } from './bookkeeping.js';
import { denialCases } from './denials.js';
import { presenceCases } from './presence.js';
import { roomCases } from './rooms.js';
import { seedCases } from './seed.js';
import { validationCases } from './validation.js';

export const chatServiceCases: CaseDef[] = [...seedCases, ...authCases, ...denialCases, ...validationCases, ...presenceCases, ...roomCases, ...bookkeepingCases];

const ids = new Set<string>();
for (const c of chatServiceCases) {
  if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
  ids.add(c.id);
}
