import { chatServiceModule } from '../src/dialects/chat-service/index.js';
import { describeMutantProof } from './support/mutant-proof.js';

describeMutantProof(chatServiceModule, 15);
