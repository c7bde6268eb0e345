// `npm run bus`: the whole bus on this machine. Checks PostgreSQL and Redis (or starts them with
// docker compose), builds, applies migrations, then runs the 13 adapters and the scheduler as
// separate processes, plus a stand-in for the units' and the office's own systems that receives
// and checks their webhooks.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { DEFAULT_DATABASE_URL } from './lib/services.mjs';
import { chooseTopology } from './lib/topology.mjs';
import { loadOrCreateKeys, sha256 } from './lib/keys.mjs';
import { run } from './lib/run.mjs';

const sinkPort = Number(process.env.UNIT_SYSTEMS_PORT ?? 3100);

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

const { AGENCIES, AGENCY_CODES } = {
  ...(await import('../dist/libs/agencies/src/index.js')),
  ...(await import('../dist/libs/contracts/src/index.js')),
};
const { verifyWebhook } = await import('../dist/libs/bus/src/index.js');
const keys = loadOrCreateKeys([...AGENCY_CODES, 'office', 'console-operator', 'console-office']);
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
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const code = (req.url ?? '/').slice(1);
    const valid = verifyWebhook(keys[code]?.webhookSecret ?? '', body, req.headers['x-bus-signature'], Math.floor(Date.now() / 1000));
    const what = code === 'office' ? JSON.parse(body).summary : `${req.headers['x-bus-message-type']} ${req.headers['x-bus-message-id']}`;
    console.log(`[${code === 'office' ? 'office-system' : `unit-system ${code}`}] ${what} signature ${valid ? 'ok' : 'INVALID'}`);
    res.writeHead(valid ? 204 : 401).end();
  });
});
await new Promise((resolve) => sink.listen(sinkPort, '127.0.0.1', resolve));

const children = new Map();
let stopping = false;

function adapterEnv(code) {
  const unit = AGENCIES[code];
  return {
    AGENCY: code,
    API_KEY_SHA256: sha256(keys[code].apiKey),
    ...(unit.defaultDeliveryMode === 'webhook'
      ? { WEBHOOK_URL: `http://127.0.0.1:${sinkPort}/${code}`, WEBHOOK_SECRET: keys[code].webhookSecret }
      : {}),
  };
}

function schedulerEnv() {
  return {
    PORT: String(schedulerPort),
    OFFICE_API_KEY_SHA256: sha256(keys.office.apiKey),
    OFFICE_WEBHOOK_URL: `http://127.0.0.1:${sinkPort}/office`,
    OFFICE_WEBHOOK_SECRET: keys.office.webhookSecret,
  };
}

function start(code, main, ownEnv) {
  const env = { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_BACKEND: queueBackend, ...ownEnv };
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${code}] `;
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
      console.error(`${prefix}exited (${code_ ?? signal}); stopping the bus`);
      stop(1);
    }
  });
  children.set(code, child);
}

function stop(exitCode = 0) {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  sink.close();
  const wait = setInterval(() => {
    if (children.size === 0) {
      clearInterval(wait);
      topology.stop().finally(() => process.exit(exitCode));
    }
  }, 100);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

for (const code of AGENCY_CODES) start(code, 'dist/apps/adapter/src/main.js', adapterEnv(code));
start('scheduler', 'dist/apps/scheduler/src/main.js', schedulerEnv());
start('console', 'dist/apps/console/src/main.js', { PORT: String(consolePort) });
console.log('\nThe bus is starting. Each unit’s adapter, with the API key its system uses (kept in .bus/keys.json):');
for (const code of AGENCY_CODES) {
  const unit = AGENCIES[code];
  console.log(
    `  ${code.padEnd(20)} http://127.0.0.1:${unit.defaultPort}  docs: /docs  delivery: ${unit.defaultDeliveryMode.padEnd(7)}  key: ${keys[code].apiKey}`,
  );
}
console.log(`  ${'scheduler (office API)'.padEnd(20)} http://127.0.0.1:${schedulerPort}  docs: /docs  office key: ${keys.office.apiKey}`);
console.log(`  ${'console'.padEnd(20)} http://127.0.0.1:${consolePort}  sign in as operator / ${keys['console-operator'].apiKey}, or office / ${keys['console-office'].apiKey}`);
console.log(`  units' and office systems (webhook stand-in): http://127.0.0.1:${sinkPort}/<unit|office>\nCtrl-C stops everything.\n`);
