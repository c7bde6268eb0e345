import { bootstrapConsole } from './bootstrap.js';

await bootstrapConsole();
