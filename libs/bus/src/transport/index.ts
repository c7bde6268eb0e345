export * from './on-queue-job.decorator.js';
export * from './queue-client.js';
export * from './queue-errors-rethrown.filter.js';
export * from './queue-job.context.js';
export * from './queue-transport.js';
export * from './start-queue-transport.js';
