export * from './api-key.guard.js';
export * from './json-body.js';
export * from './problem.filter.js';
export * from './validation.pipe.js';
