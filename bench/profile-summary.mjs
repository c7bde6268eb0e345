#!/usr/bin/env node
// Self time of a V8 CPU profile (node --cpu-prof; the bus benchmark's BENCH_CPU_PROF=<dir>) by where
// the code lives: an npm package, the bus's own code (dist/apps, dist/libs), node's internals,
// garbage collection, idle. Usage: node bench/profile-summary.mjs <file.cpuprofile | dir> [top] [--share=a,b]
// --share: also the self time of the frames whose script's URL contains each of a, b, … (a package,
// or a folder of the bus's own code such as libs/bus/src/transport), as a share of the busy time.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const shareArg = process.argv.find((a) => a.startsWith('--share='));
const shares = shareArg ? shareArg.slice('--share='.length).split(',').filter(Boolean) : [];
const [target, topArg] = process.argv.slice(2).filter((a) => !a.startsWith('--share='));
const top = Number(topArg ?? 15);
const files = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
  : [target];

function bucket(frame) {
  const url = frame.url ?? '';
  if (frame.functionName === '(idle)') return '(idle)';
  if (frame.functionName === '(garbage collector)') return '(gc)';
  if (frame.functionName === '(program)') return '(program)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const own = url.match(/dist\/((?:apps|libs)\/[^/]+)/);
  if (own) return own[1];
  if (url.startsWith('node:') || url === '') return 'node (internals, native)';
  return 'other';
}

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const fnSelf = new Map();
  const shared = new Map(shares.map((fragment) => [fragment, 0]));
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (deltas[i] ?? 0) / 1000;
    const b = bucket(node.callFrame);
    self.set(b, (self.get(b) ?? 0) + ms);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${b}`;
    fnSelf.set(fn, (fnSelf.get(fn) ?? 0) + ms);
    for (const fragment of shares) if ((node.callFrame.url ?? '').includes(fragment)) shared.set(fragment, shared.get(fragment) + ms);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - (self.get('(idle)') ?? 0);
  console.log(`\n${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy`);
  for (const [name, ms] of [...self].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
  for (const [fragment, ms] of shared) console.log(`  ${((ms / busy) * 100).toFixed(2).padStart(6)} %  self time in ${fragment}`);
  console.log('  top functions (self):');
  for (const [name, ms] of [...fnSelf].filter(([n]) => !n.includes('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
}
