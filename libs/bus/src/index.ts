export * from './bullmq.client.js';
export * from './bullmq.context.js';
export * from './bullmq.server.js';
export * from './consumer-outcome.js';
export * from './job-options.js';
export * from './outbox.relay.js';
export * from './redis-connection.js';
export * from './webhook-signature.js';
