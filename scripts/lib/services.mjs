// Makes sure PostgreSQL and Redis answer before the bus or the tests start. Local servers that
// already run are used as they are; where they do not and Docker exists, docker-compose.yml
// starts them; otherwise one line says what to start.
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/bus';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function endpoint(url, defaultPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

export function reachable({ host, port }, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function dockerComposeWorks() {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    execFileSync('docker', ['info'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(target, seconds) {
  for (let i = 0; i < seconds * 2; i++) {
    if (await reachable(target)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Resolves when both answer; exits the process with one clear line when one cannot be had. */
export async function ensureServices({ databaseUrl, redisUrl }) {
  const services = [
    { name: 'PostgreSQL', compose: 'postgres', variable: 'DATABASE_URL', target: endpoint(databaseUrl, 5432) },
    // null: the queues run on PostgreSQL (QUEUE_BACKEND=postgres), no Redis needed
    ...(redisUrl ? [{ name: 'Redis', compose: 'redis', variable: 'REDIS_URL', target: endpoint(redisUrl, 6379) }] : []),
  ];
  const missing = [];
  for (const service of services) if (!(await reachable(service.target))) missing.push(service);
  if (missing.length === 0) return;
  if (dockerComposeWorks()) {
    console.log(`starting ${missing.map((s) => s.compose).join(' and ')} with docker compose`);
    execFileSync('docker', ['compose', 'up', '-d', ...missing.map((s) => s.compose)], { stdio: 'inherit' });
    for (const service of missing) if (!(await waitFor(service.target, 60))) fail(service);
    return;
  }
  fail(missing[0]);
}

function fail(service) {
  const { host, port } = service.target;
  console.error(
    `${service.name} is not reachable at ${host}:${port} (${service.variable}): start it, e.g. \`docker compose up -d ${service.compose}\`, or set ${service.variable} to a running one.`,
  );
  process.exit(1);
}
