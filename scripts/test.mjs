// `npm test`: the whole suite against real PostgreSQL and Redis. Builds the apps (the e2e tests
// run the adapters as separate processes from dist/), migrates a fresh test database, runs jest.
// Extra arguments go to jest: `npm test -- libs/calendar`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEFAULT_REDIS_URL, ensureServices } from './lib/services.mjs';
import { run } from './lib/run.mjs';

const env = {
  ...process.env,
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus_test',
  REDIS_URL: process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL,
  TZ: 'UTC',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
};

await ensureServices({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL });
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium is not at ${chromium} (CHROMIUM_PATH): install Debian's package, \`apt-get install chromium fonts-noto-cjk\`; the console's browser test drives it.`);
  process.exit(1);
}
run('node', ['scripts/prisma-generate.mjs']);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
run('node', ['scripts/migrate.mjs', 'reset', '--create-db'], env);
const jest = spawnSync('npx', ['jest', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(jest.status ?? 1);
