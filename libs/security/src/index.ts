// Pure node:crypto: encryption at rest, keyed hashes, message signatures, the evidence chain.
export * from './field-cipher.js';
export * from './keyed-hash.js';
export * from './citizen-fields.js';
export * from './message-signature.js';
export * from './evidence-chain.js';
export * from './attachment-content.js';
export * from './unit-key-seal.js';
