import { bootstrapAdapter } from './bootstrap.js';

await bootstrapAdapter();
