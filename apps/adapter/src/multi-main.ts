import { startAdapterUnits } from './shared-process.js';

await startAdapterUnits(process.env);
