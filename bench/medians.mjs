#!/usr/bin/env node
// The median of each figure over several full runs of the bus benchmark ("each figure's
// median over 3 runs"). Usage: node bench/medians.mjs bench/results/bus-<a>.json <b>.json <c>.json
// Prints, per queue backend, every figure of the runs side by side and their median.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/medians.mjs <bus-*.json> [more …]');
  process.exit(2);
}
const runs = files.map((file) => ({ file, ...JSON.parse(readFileSync(file, 'utf8')) }));

const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—');

/** figure name → how to read it from one backend's result, and its digits */
const FIGURES = [
  ['raw BullMQ jobs/s (median of the run’s 3 trials)', (r) => r.rawMedian, 0],
  ['bus messages/s (median of the run’s 3 trials)', (r) => r.busMedian, 1],
  ['ratio', (r) => r.ratio, 4],
  ['statements per message', (r) => r.statementsPerMessage, 1],
  ['commits per message', (r) => r.commitsPerMessage, 1],
  ['half the maximum: offered msg/s', (r) => r.half.offeredPerSecond, 1],
  ['half the maximum: p50 ms', (r) => r.half.p50, 1],
  ['half the maximum: p95 ms', (r) => r.half.p95, 1],
  ['half the maximum: p99 ms', (r) => r.half.p99, 1],
  ['half the maximum: requests refused', (r) => r.half.refused, 0],
  ['the maximum: offered msg/s', (r) => r.max.offeredPerSecond, 1],
  ['the maximum: p50 ms', (r) => r.max.p50, 1],
  ['the maximum: p95 ms', (r) => r.max.p95, 1],
  ['the maximum: p99 ms', (r) => r.max.p99, 1],
  ['the maximum: requests refused', (r) => r.max.refused, 0],
  ['adapters’ RSS idle per unit, MiB', (r) => r.adapterMemory?.idlePerUnitMiB, 1],
  ['adapters’ RSS under load per unit, MiB', (r) => r.adapterMemory?.loadPerUnitMiB, 1],
  ['lost', (r) => r.lost, 0],
  ['doubled', (r) => r.doubled, 0],
];

const backends = [...new Set(runs.flatMap((run) => run.results.map((r) => r.backend)))];
console.log(`runs: ${runs.map((run) => `${run.file} (commit ${run.commit}, load ${run.loadAverageBefore})`).join('; ')}`);
for (const backend of backends) {
  const results = runs.map((run) => run.results.find((r) => r.backend === backend));
  console.log(`\n== ${backend} ==`);
  console.log(`${'figure'.padEnd(50)} ${results.map((_, i) => `run ${i + 1}`.padStart(10)).join(' ')} ${'median'.padStart(10)}`);
  for (const [name, read, digits] of FIGURES) {
    const values = results.map((r) => (r ? Number(read(r)) : NaN));
    console.log(`${name.padEnd(50)} ${values.map((v) => fmt(v, digits).padStart(10)).join(' ')} ${fmt(median(values), digits).padStart(10)}`);
  }
  const hops = results[0]?.halfHops ?? [];
  for (const [i, hop] of hops.entries()) {
    for (const p of ['p50', 'p95']) {
      const values = results.map((r) => Number(r?.halfHops?.[i]?.[p]));
      console.log(`${`hop ${p}: ${hop.hop}`.slice(0, 50).padEnd(50)} ${values.map((v) => fmt(v).padStart(10)).join(' ')} ${fmt(median(values)).padStart(10)}`);
    }
  }
  const apps = Object.keys(results[0]?.rssIdleMiB ?? {});
  for (const app of apps) {
    for (const [label, key] of [['RSS idle', 'rssIdleMiB'], ['RSS under load', 'rssLoadMiB']]) {
      const values = results.map((r) => Number(r?.[key]?.[app]));
      console.log(`${`${label} MiB: ${app}`.padEnd(50)} ${values.map((v) => fmt(v).padStart(10)).join(' ')} ${fmt(median(values)).padStart(10)}`);
    }
  }
}
