#!/usr/bin/env node
// `npm run bench [-- --quick]`: builds dist/ (the apps and this folder's TypeScript), then runs the
// per-message cost of each cryptography suite (bench/crypto.bench.ts, under a minute), the end-to-end
// bus benchmark (bench/bus.bench.ts) and the scheduler's sweep benchmark (bench/sweep.bench.mjs) one
// after the other. Options:
//   --quick               short windows and bursts (development; figures not comparable)
//   --only=crypto|transport|bus|sweep   one of the four (transport: the Nest queue transport's own
//                         cost per job, against a handler map on the same driver)
//   --backends=redis,postgres   the bus benchmark's queue backends (default both)
//   --adapters=shared     the bus benchmark's adapters in one process (ADAPTER_UNITS) instead of one each
//   --units=13            the other ten units' adapters too, idle (memory of a whole city's adapters)
// The sweep uses its own private PostgreSQL and redis-server too (the same helpers as the bus
// benchmark and the fault suite), so nothing runs on the shared servers.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const quick = args.includes('--quick');
const tsc = resolve(ROOT, 'node_modules/.bin/tsc');

function sh(command, commandArgs, env = {}) {
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, TZ: 'UTC', ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const t0 = Date.now();
sh(tsc, ['-p', 'tsconfig.build.json']);
sh(tsc, ['-p', 'tsconfig.bench.json']);
if (!only || only === 'crypto') sh(process.execPath, ['dist/bench/crypto.bench.js']);
if (!only || only === 'transport') sh(process.execPath, ['dist/bench/transport.bench.js', ...(quick ? ['--quick'] : [])]);
if (!only || only === 'bus') sh(process.execPath, ['dist/bench/bus.bench.js', ...args.filter((a) => a !== '--only=bus')]);
if (!only || only === 'sweep') {
  sh(process.execPath, ['dist/bench/private-servers.js', 'bench/sweep.bench.mjs'], quick ? { BENCH_LARGE: process.env.BENCH_LARGE ?? '50000', BENCH_DRAIN: process.env.BENCH_DRAIN ?? '5000' } : {});
}
console.log(`\nbench finished in ${((Date.now() - t0) / 60000).toFixed(1)} min`);
