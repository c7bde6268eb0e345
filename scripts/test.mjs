// `npm test`: the three layers of tests (jest projects unit, medium, e2e; see jest.config.js).
// Extra arguments go to jest: `npm test -- libs/calendar`. `npm run test:unit|test:medium|test:e2e`
// select one layer, and this script prepares only what that layer needs:
//   unit   nothing (no database, no Redis, no build, no browser)
//   medium a freshly migrated PostgreSQL test database
//   e2e    that, Redis, the build in dist/ (the apps run as separate processes) and Chromium
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_REDIS_URL, ensureServices } from './lib/services.mjs';
import { run } from './lib/run.mjs';

const args = process.argv.slice(2);
const selected = new Set();
for (let i = 0; i < args.length; i++) if (args[i] === '--selectProjects') for (let j = i + 1; j < args.length && !args[j].startsWith('-'); j++) selected.add(args[j]);
const needs = (layer) => selected.size === 0 || selected.has(layer);

const env = {
  ...process.env,
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL,
  TZ: 'UTC',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
};

if (needs('medium') || needs('e2e')) {
  await ensureServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
}
if (needs('e2e')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`Chromium is not at ${chromium} (CHROMIUM_PATH): install Debian's package, \`apt-get install chromium fonts-noto-cjk\`; the console's browser test drives it.`);
    process.exit(1);
  }
  run('node', ['scripts/prisma-generate.mjs']);
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);
}
if (needs('medium') || needs('e2e')) run('node', ['scripts/migrate.mjs', 'reset', '--create-db'], env);
const jest = spawnSync('npx', ['jest', ...args], { stdio: 'inherit', env });
process.exit(jest.status ?? 1);
