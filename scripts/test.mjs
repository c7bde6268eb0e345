// `npm test`: the three layers of tests (jest projects unit, medium, e2e; see jest.config.js).
// Extra arguments go to jest: `npm test -- libs/calendar`. `npm run test:unit|test:medium|test:e2e`
// select one layer, and this script prepares only what that layer needs:
//   unit   nothing (no database, no Redis, no build, no browser)
//   medium a freshly migrated PostgreSQL test database
//   e2e    that, queues, the build in dist/ (the apps run as separate processes) and a browser
//
// Topology (scripts/lib/topology.mjs, told in one line): TEST_DATABASE_URL / TEST_REDIS_URL /
// QUEUE_BACKEND win; else local servers; else an embedded PostgreSQL and no Redis. With Redis and
// no test paths given, the e2e suite runs twice: on Redis, then on BullMQ's PostgreSQL backend.
// `--outputFile=<f>` (jest --json) gets both runs' results merged.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { browserEnv, findBrowserFromEnv } from './lib/browser.mjs';
import { chooseTopology } from './lib/topology.mjs';
import { run } from './lib/run.mjs';

// `npm run test:unit -- libs/calendar` arrives as `--selectProjects unit libs/calendar`: only the
// layers' names are projects, anything after them is a path, and jest gets the selection last (it
// would take a path after --selectProjects for one more project name).
const LAYERS = new Set(['unit', 'medium', 'e2e', 'faults', 'compose']);
const selected = new Set();
const rest = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--selectProjects') {
    while (i + 1 < argv.length && LAYERS.has(argv[i + 1])) selected.add(argv[++i]);
  } else rest.push(argv[i]);
}
const args = selected.size > 0 ? [...rest, '--selectProjects', ...selected] : rest;

// The fault suite (jest project `faults`, `npm run test:faults`) runs on its own: each scenario starts
// its own redis-server and PostgreSQL, so it needs the build but neither the shared servers nor the
// test database. `npm test` (no selection) runs the three layers, never the fault suite.
if (selected.has('faults')) {
  if (['unit', 'medium', 'e2e'].some((layer) => selected.has(layer))) {
    console.error('The fault suite runs on its own: npm run test:faults');
    process.exit(2);
  }
  const { runFaultSuite } = await import('./lib/fault-suite.mjs');
  process.exit(await runFaultSuite(args));
}
// The compose suite (jest project `compose`, `npm run test:compose`) runs on its own too: it needs a
// Docker engine and the images (scripts/lib/compose-suite.mjs prepares both), never the shared servers.
if (selected.has('compose')) {
  if (selected.size > 1) {
    console.error('The compose suite runs on its own: npm run test:compose');
    process.exit(2);
  }
  const { runComposeSuite } = await import('./lib/compose-suite.mjs');
  process.exit(await runComposeSuite(args));
}
if (selected.size === 0) {
  args.push('--selectProjects', 'unit', 'medium', 'e2e');
  for (const layer of ['unit', 'medium', 'e2e']) selected.add(layer);
}
const needs = (layer) => selected.has(layer);

if (!needs('medium') && !needs('e2e')) {
  // The unit layer needs nothing installed but node_modules.
  const jest = spawnSync('npx', ['jest', ...args], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC', NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' ') },
  });
  process.exit(jest.status ?? 1);
}

const topology = await chooseTopology({
  databaseUrl: process.env.TEST_DATABASE_URL || undefined,
  defaultDatabaseUrl: 'postgresql://postgres@127.0.0.1:5432/bus_test',
  redisUrl: process.env.TEST_REDIS_URL || undefined,
  queueBackend: process.env.QUEUE_BACKEND || undefined,
  dataDir: '.bus/postgres-test',
});
console.log(topology.line);

const env = {
  ...process.env,
  DATABASE_URL: topology.databaseUrl,
  REDIS_URL: topology.redisUrl,
  QUEUE_BACKEND: topology.queueBackend,
  TZ: 'UTC',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
};
if (!env.REDIS_URL) delete env.REDIS_URL;

// The browser tests (the console's pages, the yearly report's PDF): found as every part of the bus
// finds its browser (scripts/lib/browser.mjs) and handed to the tests as CHROMIUM_PATH / CHROMIUM_ARGS.
// BUS_NODE_ONLY=1 skips Debian's, as on a machine with Node.js alone.
if (needs('e2e')) {
  try {
    const browser = await findBrowserFromEnv(process.env);
    Object.assign(env, browserEnv(browser));
    console.log(`browser: ${browser.executablePath} (${browser.source})`);
  } catch (error) {
    console.error(`No browser for the console test: ${error.message}`);
    process.exit(1);
  }
}

if (needs('e2e')) {
  run('node', ['scripts/prisma-generate.mjs']);
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);
}
run('node', ['scripts/migrate.mjs', 'reset', '--create-db'], env);

const outputArg = args.find((arg) => arg.startsWith('--outputFile='));
const output = outputArg?.slice('--outputFile='.length);
function withoutProjectSelection(list) {
  const kept = [];
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '--selectProjects') {
      while (i + 1 < list.length && !list[i + 1].startsWith('-')) i++;
      continue;
    }
    kept.push(list[i]);
  }
  return kept;
}
const paths = withoutProjectSelection(args).filter((arg) => !arg.startsWith('-'));
const runs = [{ backend: topology.queueBackend, jestArgs: [] }];
// The second pass: every e2e file again, with every queue on PostgreSQL (unit and medium tests do
// not touch the queues, so they run once).
if (needs('e2e') && topology.queueBackend === 'redis' && paths.length === 0 && !process.env.QUEUE_BACKEND) {
  runs.push({ backend: 'postgres', jestArgs: ['--selectProjects', 'e2e'] });
}

let status = 0;
const outputs = [];
for (const [i, pass] of runs.entries()) {
  const passOutput = output && runs.length > 1 ? `${output}.${pass.backend}.json` : output;
  // A pass with its own project selection drops the caller's (jest takes one --selectProjects list).
  const callerArgs = pass.jestArgs.includes('--selectProjects') ? withoutProjectSelection(args) : args;
  const passArgs = [...callerArgs.filter((arg) => arg !== outputArg), ...(passOutput ? [`--outputFile=${passOutput}`] : []), ...pass.jestArgs];
  if (runs.length > 1) console.log(`\n=== jest run ${i + 1} of ${runs.length}: queues on ${pass.backend} ===`);
  const passEnv = { ...env, QUEUE_BACKEND: pass.backend, ...(i > 0 ? { REDIS_TESTS_IN_OTHER_PASS: '1' } : {}) };
  const jest = spawnSync('npx', ['jest', ...passArgs], { stdio: 'inherit', env: passEnv });
  if ((jest.status ?? 1) !== 0) status = jest.status ?? 1;
  if (passOutput) outputs.push(passOutput);
}

if (output && runs.length > 1) {
  const merged = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTotalTests: 0, numRuntimeErrorTestSuites: 0, numFailedTestSuites: 0, numTotalTestSuites: 0, testResults: [], success: true };
  for (const file of outputs) {
    if (!existsSync(file)) {
      merged.numRuntimeErrorTestSuites += 1;
      merged.success = false;
      continue;
    }
    const result = JSON.parse(readFileSync(file, 'utf8'));
    for (const key of ['numPassedTests', 'numFailedTests', 'numPendingTests', 'numTotalTests', 'numRuntimeErrorTestSuites', 'numFailedTestSuites', 'numTotalTestSuites']) {
      merged[key] += result[key] ?? 0;
    }
    merged.testResults.push(...(result.testResults ?? []));
    merged.success &&= Boolean(result.success);
    rmSync(file, { force: true });
  }
  writeFileSync(output, JSON.stringify(merged));
}
await topology.stop();
process.exit(status);
