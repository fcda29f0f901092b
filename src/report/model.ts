// Moved to src/model/conformance.ts.
export * from '../model/conformance.js';
