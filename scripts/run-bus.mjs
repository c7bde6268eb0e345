// `npm run bus`: the whole bus on this machine. Checks PostgreSQL and Redis (or starts them with
// docker compose), builds, applies migrations, then runs the 13 units' adapters, the scheduler and the
// console, plus a stand-in for the units' and the office's own systems that receives
// and checks their webhooks. UNIT_SYSTEM=example runs the sample unit system (examples/unit-system)
// for each unit instead: webhook units get verified deliveries, pull units pull their inbox, and with
// UNIT_SYSTEM_AUTO_REPORT=true (the default) each reports the steps of 第二十一条 by itself.
// The 13 adapters share one Node process by default (ADAPTER_PROCESSES=shared): one machine's bus needs
// one copy of Node, Nest, Prisma and BullMQ, not thirteen, while each unit keeps its own Nest
// application, port, keys, queues and database login (docs/configuration.md). ADAPTER_PROCESSES=separate
// runs one process per unit, as a deployment does with one container per unit (docker-compose.yml).
// Whatever stops this script, crash included, stops its children too.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { DEFAULT_DATABASE_URL } from './lib/services.mjs';
import { chooseTopology } from './lib/topology.mjs';
import { browserEnv, findBrowserFromEnv } from './lib/browser.mjs';
import { loadOrCreateBusSecrets, loadOrCreateDataMasterKeys, loadOrCreateKeys, loadOrCreateSigningKeys, sha256 } from './lib/keys.mjs';
import { run } from './lib/run.mjs';

const sinkPort = Number(process.env.UNIT_SYSTEMS_PORT ?? 3100);
const unitSystem = process.env.UNIT_SYSTEM ?? 'stand-in';
if (!['stand-in', 'example'].includes(unitSystem)) {
  console.error(`UNIT_SYSTEM must be stand-in (default) or example, not ${unitSystem}`);
  process.exit(1);
}
const adapterProcesses = process.env.ADAPTER_PROCESSES ?? 'shared';
if (!['separate', 'shared'].includes(adapterProcesses)) {
  console.error(`ADAPTER_PROCESSES must be shared (default: all units' adapters in one process) or separate (one process per unit), not ${adapterProcesses}`);
  process.exit(1);
}
/** The sample unit system of a unit listens on 4000 + its adapter's port (4101–4113). */
const examplePort = (unit) => 1000 + unit.defaultPort;

// Explicit DATABASE_URL / REDIS_URL / QUEUE_BACKEND win; otherwise what answers, else embedded PostgreSQL and no Redis.
const topology = await chooseTopology({
  databaseUrl: process.env.DATABASE_URL || undefined,
  defaultDatabaseUrl: DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL || undefined,
  queueBackend: process.env.QUEUE_BACKEND || undefined,
  dataDir: '.bus/postgres',
});
const { databaseUrl, redisUrl, queueBackend } = topology;
console.log(topology.line);
run('node', ['scripts/prisma-generate.mjs']);
run('npx', ['tsc', '-p', 'tsconfig.build.json']);
run('node', ['scripts/migrate.mjs', 'deploy', '--create-db'], { ...process.env, DATABASE_URL: databaseUrl });

const { UNITS, UNIT_CODES } = {
  ...(await import('../dist/libs/units/src/index.js')),
  ...(await import('../dist/libs/contracts/src/index.js')),
};
const { verifyWebhook } = await import('../dist/libs/bus/src/index.js');
const { unitEnvPrefix } = await import('../dist/libs/config/src/index.js');
const { CONSOLE_DATABASE_LOGIN, SCHEDULER_DATABASE_LOGIN, databaseUrlWithLogin, unitDatabaseLogin } = await import('../dist/libs/persistence/src/index.js');
// Each app under its own login (第二十四条), so row-level security limits it as in
// production; migrations and the account CLI above keep the owner's. A local server trusts them
// (the embedded one is set up so); with a server that asks passwords, see docs/operations.md, "Database logins".
const appDatabaseUrl = (login) => databaseUrlWithLogin(databaseUrl, login);
const keys = loadOrCreateKeys([...UNIT_CODES, 'office', 'console-operator', 'console-office']);
// Field encryption's master and hash keys, the same for every adapter.
const busSecrets = loadOrCreateBusSecrets();
// 第二十四条: each unit its own master key, never shared.
const dataMasterKeys = loadOrCreateDataMasterKeys(UNIT_CODES);
// Each unit's Ed25519 key, and every unit's public keys.
const signing = loadOrCreateSigningKeys(UNIT_CODES);
// The console prints the yearly report with headless Chromium: found here as everything of the bus
// finds it (CHROMIUM_PATH, Debian's, else @sparticuz/chromium's) and handed to it. Without one the
// bus still runs; only the PDF answers 503.
const browser = await findBrowserFromEnv(process.env).then(
  (found) => {
    console.log(`browser for the yearly report's PDF: ${found.executablePath} (${found.source})`);
    return found;
  },
  (error) => {
    console.log(`${error.message}: the yearly report's PDF will answer 503`);
    return null;
  },
);
const schedulerPort = Number(process.env.SCHEDULER_PORT ?? 3200);
const consolePort = Number(process.env.CONSOLE_PORT ?? 3300);

// Two console accounts to start with (more: npm run console:user); their passwords are in .bus/keys.json.
for (const [username, role] of [['operator', 'operator'], ['office', 'office']]) {
  run('node', ['dist/apps/console/src/users.cli.js', 'add', username, role], {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_BACKEND: queueBackend,
    CONSOLE_PASSWORD: keys[`console-${username}`].apiKey,
  });
}

// The units' own systems, played by one small server: it logs each webhook and checks its signature.
// (With UNIT_SYSTEM=example it still plays the office's system.) Whatever arrives, it answers: a body
// that is not JSON, or a path of no unit, is refused, never a crash of the whole bus.
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    try {
      const code = (req.url ?? '/').slice(1);
      const valid = verifyWebhook(keys[code]?.webhookSecret ?? '', body, req.headers['x-bus-signature'], Math.floor(Date.now() / 1000));
      let what = `${req.headers['x-bus-message-type']} ${req.headers['x-bus-message-id']}`;
      if (code === 'office') {
        try {
          what = JSON.parse(body).summary;
        } catch {
          what = `(a body that is not JSON, ${Buffer.byteLength(body)} bytes)`;
        }
      }
      console.log(`[${code === 'office' ? 'office-system' : `unit-system ${code}`}] ${what} signature ${valid ? 'ok' : 'INVALID'}`);
      res.writeHead(valid ? 204 : 401).end();
    } catch (error) {
      console.error(`[unit-system stand-in] ${error instanceof Error ? error.message : error}`);
      res.writeHead(500).end();
    }
  });
});
await new Promise((resolve) => sink.listen(sinkPort, '127.0.0.1', resolve));

const children = new Map();
let stopping = false;

/** What each unit's adapter has of its own: its login, its keys, its system's webhook. */
function unitOwnEnv(code) {
  const unit = UNITS[code];
  const webhookUrl = unitSystem === 'example' ? `http://127.0.0.1:${examplePort(unit)}/webhook` : `http://127.0.0.1:${sinkPort}/${code}`;
  return {
    DATABASE_URL: appDatabaseUrl(unitDatabaseLogin(code)),
    API_KEY_SHA256: sha256(keys[code].apiKey),
    SIGNING_PRIVATE_KEY: signing.privateKeys[code],
    DATA_MASTER_KEY: dataMasterKeys[code],
    ...(unit.defaultDeliveryMode === 'webhook' ? { WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: keys[code].webhookSecret } : {}),
  };
}

/** What every adapter has in common: the keyed hash's key and the units' public keys. */
const adaptersCommonEnv = () => ({ ...busSecrets, UNIT_PUBLIC_KEYS: signing.UNIT_PUBLIC_KEYS });

function adapterEnv(code) {
  return { AGENCY: code, ...adaptersCommonEnv(), ...unitOwnEnv(code) };
}

/** All units in one process (ADAPTER_UNITS): each unit's own settings under its prefix, CIVIL_AFFAIRS__DATABASE_URL. */
function sharedAdaptersEnv() {
  const own = UNIT_CODES.flatMap((code) => Object.entries(unitOwnEnv(code)).map(([name, value]) => [`${unitEnvPrefix(code)}${name}`, value]));
  return { ADAPTER_UNITS: UNIT_CODES.join(','), ...adaptersCommonEnv(), ...Object.fromEntries(own) };
}

function exampleEnv(code) {
  const unit = UNITS[code];
  return {
    UNIT: code,
    ADAPTER_URL: `http://127.0.0.1:${unit.defaultPort}`,
    API_KEY: keys[code].apiKey,
    PORT: String(examplePort(unit)),
    AUTO_REPORT: process.env.UNIT_SYSTEM_AUTO_REPORT ?? 'true',
    ...(unit.defaultDeliveryMode === 'webhook' ? { WEBHOOK_SECRET: keys[code].webhookSecret } : {}),
  };
}

/** What the console is given beside its login and port: the browser found above. */
function consoleEnvOf(found) {
  return found ? browserEnv(found) : {};
}

function schedulerEnv() {
  return {
    DATABASE_URL: appDatabaseUrl(SCHEDULER_DATABASE_LOGIN),
    PORT: String(schedulerPort),
    OFFICE_API_KEY_SHA256: sha256(keys.office.apiKey),
    OFFICE_WEBHOOK_URL: `http://127.0.0.1:${sinkPort}/office`,
    OFFICE_WEBHOOK_SECRET: keys.office.webhookSecret,
  };
}

function start(code, main, ownEnv, prefix = `[${code}] `) {
  const env = { ...process.env, REDIS_URL: redisUrl, QUEUE_BACKEND: queueBackend, ...ownEnv };
  if (!ownEnv.DATABASE_URL) delete env.DATABASE_URL; // the owner's login never reaches an app
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code_, signal) => {
    children.delete(code);
    if (!stopping) {
      console.error(`[${code}] exited (${code_ ?? signal}); stopping the bus`);
      stop(1);
    }
  });
  children.set(code, child);
}

function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  sink.close();
  // A child that ignores SIGTERM for 10 s is killed: the bus never leaves processes behind.
  const force = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000);
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      clearTimeout(force);
      topology.stop().finally(() => process.exit(exitCode));
    }
  }, 100);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
// A crash of this script stops the children it started instead of orphaning them.
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    console.error(`run-bus: ${error instanceof Error ? error.stack : error}; stopping the bus`);
    stop(1);
  });
}
// Last resort (process.exit from elsewhere): signal whatever is still running.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGTERM');
});

if (adapterProcesses === 'shared') start('adapters', 'dist/apps/adapter/src/multi-main.js', sharedAdaptersEnv());
else for (const code of UNIT_CODES) start(code, 'dist/apps/adapter/src/main.js', adapterEnv(code));
start('scheduler', 'dist/apps/scheduler/src/main.js', schedulerEnv());
start('console', 'dist/apps/console/src/main.js', { DATABASE_URL: appDatabaseUrl(CONSOLE_DATABASE_LOGIN), PORT: String(consolePort), ...consoleEnvOf(browser) });
if (unitSystem === 'example') {
  for (const code of UNIT_CODES) start(`unit-system ${code}`, 'dist/examples/unit-system/src/main.js', exampleEnv(code), ''); // it names itself
}
console.log(
  `\nThe bus is starting. Each unit’s adapter (${adapterProcesses === 'shared' ? 'all in one process' : 'one process each, ADAPTER_PROCESSES=separate'}), with the API key its system uses (kept in .bus/keys.json):`,
);
for (const code of UNIT_CODES) {
  const unit = UNITS[code];
  console.log(
    `  ${code.padEnd(20)} http://127.0.0.1:${unit.defaultPort}  docs: /docs  delivery: ${unit.defaultDeliveryMode.padEnd(7)}  key: ${keys[code].apiKey}`,
  );
}
console.log(`  ${'scheduler (office API)'.padEnd(20)} http://127.0.0.1:${schedulerPort}  docs: /docs  office key: ${keys.office.apiKey}`);
console.log(`  ${'console'.padEnd(20)} http://127.0.0.1:${consolePort}  sign in as operator / ${keys['console-operator'].apiKey}, or office / ${keys['console-office'].apiKey}`);
if (unitSystem === 'example') {
  console.log(`  units' systems (examples/unit-system): http://127.0.0.1:4101–4113, webhooks on /webhook; office system (stand-in): http://127.0.0.1:${sinkPort}/office`);
} else {
  console.log(`  units' and office systems (webhook stand-in): http://127.0.0.1:${sinkPort}/<unit|office>   (UNIT_SYSTEM=example: the sample unit system instead)`);
}
console.log('Ctrl-C stops everything.\n');
