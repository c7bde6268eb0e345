export * from './handoff.js';
export * from './handoff.errors.js';
export * from './routing-rules.js';
export * from './need-routing.js';
export * from './materials.js';
export * from './attachments.js';
export * from './measures.js';
