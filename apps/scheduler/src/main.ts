import { bootstrapScheduler } from './bootstrap.js';

await bootstrapScheduler();
