// `npm run test:compose`: docker-compose.yml's three topologies started for real on a Docker engine
// (jest project `compose`, test/compose/*.compose-spec.ts, one profile at a time): default (one
// Redis, AOF), cluster (Redis Cluster, a second replica of every adapter, a Redis master and an
// adapter replica SIGKILLed mid-burst) and Redis-free (QUEUE_BACKEND=postgres). Before jest:
//   scripts/docker-engine.sh     an engine (Debian's docker.io and dockerd when none answers) and a compose
//   scripts/offline-images.sh    THE OFFLINE PATH: stand-ins built from Debian packages for the upstream
//                                images that cannot be pulled (none is built where `docker pull` works)
//   the build (dist/) and the keys: node scripts/bus-keys.mjs > .bus/compose.env (the operator's .env is
//   left alone; the test passes this file with --env-file)
// It ends with one table: per profile the services, the time to come up and to get healthy, the flows,
// the fault's counts, and the whole profile's time. Extra arguments go to jest (`-- test/compose/cluster`).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from './markdown-table.mjs';
import { run } from './run.mjs';

const COLUMNS = [
  ['profile', (r) => r.profile],
  ['services', (r) => r.services],
  ['up s', (r) => r.upSeconds],
  ['healthy s', (r) => r.healthySeconds],
  ['flows', (r) => r.flows],
  ['console+metrics', (r) => r.consoleAndMetrics],
  ['fault accepted/delivered', (r) => (r.accepted === undefined ? '—' : `${r.accepted}/${r.delivered}`)],
  ['lost', (r) => r.lost ?? '—'],
  ['doubled', (r) => r.doubled ?? '—'],
  ['redelivered after the kill', (r) => r.webhookRepeats ?? '—'],
  ['down -v s', (r) => r.downSeconds ?? '—'],
  ['profile total s', (r) => r.totalSeconds],
  ['test', (r) => (r.passed ? 'pass' : 'FAIL')],
];

/** The profiles' rows as a Markdown table (it reads as well in a CI log). */
export function composeTable(rows) {
  return markdownTable(COLUMNS, rows, rows.flatMap((row) => row.notes.map((note) => `  ${row.profile}: ${note}`)));
}

const minutes = (ms) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

export async function runComposeSuite(args) {
  const started = Date.now();
  const step = (name, fn) => {
    const at = Date.now();
    const result = fn();
    console.log(`compose suite: ${name} in ${minutes(Date.now() - at)}`);
    return result;
  };
  const compose = step('engine', () => execFileSync('bash', ['scripts/docker-engine.sh'], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim());
  console.log(`compose suite: ${compose} (${execFileSync('sh', ['-c', `${compose} version`]).toString().split('\n')[0]}), engine ${execFileSync('docker', ['version', '-f', '{{.Server.Version}}']).toString().trim()}`);
  step('base images (offline path where needed)', () => run('bash', ['scripts/offline-images.sh']));
  // dist/ on this machine only for scripts/bus-keys.mjs (the image compiles its own).
  step('build for the keys', () => {
    run('node', ['scripts/prisma-generate.mjs']);
    run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  });
  mkdirSync('.bus', { recursive: true });
  const envFile = '.bus/compose.env';
  writeFileSync(envFile, execFileSync('node', ['scripts/bus-keys.mjs']), { mode: 0o600 });
  // The bus's image, once for the three profiles (docker-compose.yml's `image:` name; each profile
  // then starts with --no-build). Docker's layer cache makes it quick when only the code changed.
  step('the bus image', () => run('docker', ['build', '-q', '-t', 'judicial-social-assistance-bus:local', '.']));

  const resultsDir = mkdtempSync(join(tmpdir(), 'bus-compose-results-'));
  const env = {
    ...process.env,
    COMPOSE_COMMAND: compose,
    COMPOSE_ENV_FILE: envFile,
    COMPOSE_RESULTS_DIR: resultsDir,
    COMPOSE_IMAGE_BUILT: '1',
    TZ: 'UTC',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  };
  // Each profile its own compose project, one after the other: the machine runs one bus at a time.
  const rest = args.filter((arg, i) => !(arg === '--selectProjects' || (arg === 'compose' && args[i - 1] === '--selectProjects')));
  const jest = spawnSync('npx', ['jest', ...rest, '--runInBand', '--selectProjects', 'compose'], { stdio: 'inherit', env });
  const order = ['default', 'cluster', 'redis-free'];
  const rows = readdirSync(resultsDir)
    .map((name) => JSON.parse(readFileSync(join(resultsDir, name), 'utf8')))
    .sort((a, b) => order.indexOf(a.profile) - order.indexOf(b.profile));
  rmSync(resultsDir, { recursive: true, force: true });
  const images = execFileSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}'])
    .toString()
    .split('\n')
    .filter((line) => /^(judicial-social-assistance-bus|node|redis|postgres):/.test(line));
  console.log(`\nCompose suite: ${rows.length} profiles, ${minutes(Date.now() - started)} in all\n`);
  console.log(rows.length > 0 ? composeTable(rows) : '(no profile wrote a row)');
  console.log(`\nimages: ${images.join(', ')}`);
  return jest.status ?? 1;
}
