import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { krakenModule } from '../src/dialects/kraken/index.js';
import { createLogger } from '../src/log.js';
import { runMutants } from '../src/mutants/run.js';
import { describeMutantProof } from './support/mutant-proof.js';

// Both kill matrices at once: each waits on its gateways most of the time, so together they take little
// more than the longer one (a failure that comes from the shared machine passes when re-run alone).
const logger = createLogger('silent');
const chatService = runMutants({ module: chatServiceModule, logger });
const kraken = runMutants({ module: krakenModule, logger });
// A rejection is read by the beforeAll that awaits it; until then it must not count as unhandled.
chatService.catch(() => undefined);
kraken.catch(() => undefined);

describeMutantProof(chatServiceModule, 15, chatService);
// The issue asks for at least 10 Kraken mutants.
describeMutantProof(krakenModule, 10, kraken);
