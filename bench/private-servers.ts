// Runs a script (the sweep benchmark) against a private PostgreSQL and redis-server on free ports,
// started with the fault suite's helpers: BENCH_PG_URL and BENCH_REDIS_URL point at them, and both
// are stopped and removed at the end. Usage: node dist/bench/private-servers.js <script> [args...]
import { spawn } from 'node:child_process';
import { PostgresServer } from '../test/faults/support/postgres-server.js';
import { RedisServer } from '../test/support/redis-server.js';

async function main(): Promise<number> {
  const [script, ...args] = process.argv.slice(2);
  const [postgres, redis] = await Promise.all([PostgresServer.create({ durable: true }), RedisServer.start()]);
  try {
    const child = spawn(process.execPath, [script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PG_URL: `postgresql://postgres@127.0.0.1:${postgres.port}`, BENCH_REDIS_URL: redis.url },
    });
    return await new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    await redis.kill();
    await postgres.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
