export * from './api-key.guard.js';
export * from './problem.filter.js';
export * from './validation.pipe.js';
