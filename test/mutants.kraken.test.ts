import { krakenModule } from '../src/dialects/kraken/index.js';
import { describeMutantProof } from './support/mutant-proof.js';

// The issue asks for at least 10 Kraken mutants.
describeMutantProof(krakenModule, 10);
