// node:crypto and sm-crypto-v2 (SM2): the two cryptography suites, encryption at rest, keyed hashes, message signatures, the evidence chain.
export * from './crypto-suite.js';
export * from './sm4-authenticated.js';
export * from './field-cipher.js';
export * from './keyed-hash.js';
export * from './citizen-fields.js';
export * from './message-signature.js';
export * from './evidence-chain.js';
export * from './attachment-content.js';
export * from './unit-key-seal.js';
