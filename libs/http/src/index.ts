export * from './api-key.guard.js';
export * from './json-body.js';
export * from './problem.filter.js';
export * from './validation.pipe.js';
export * from './openapi/openapi-document.js';
export * from './openapi/problem.dto.js';
export * from './openapi/roster-entry.response.js';
export * from './database-unavailable.js';
