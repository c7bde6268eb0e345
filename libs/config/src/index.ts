export * from './adapter.config.js';
export * from './adapter-env.dto.js';
export * from './validate-env.js';
export * from './clock.js';
export * from './file.clock.js';
export * from './scheduler.config.js';
export * from './scheduler-env.dto.js';
