export * from './adapter.config.js';
export * from './adapter-env.dto.js';
export * from './validate-env.js';
export * from './clock.js';
