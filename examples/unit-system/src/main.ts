// A sample unit system: `node dist/examples/unit-system/src/main.js` with the settings of
// settings.ts in the environment. Ctrl-C (SIGINT) or SIGTERM stops it.
import { readSettings } from './settings.js';
import { UnitSystem } from './unit-system.js';

const system = new UnitSystem(readSettings());
await system.start();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void system.stop().then(() => process.exit(0)));
}
