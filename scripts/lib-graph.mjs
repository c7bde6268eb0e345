// `npm run docs:graph`: draws the libs' dependency graph (libs/dependency-graph.mjs) as the mermaid
// block of docs/architecture.md between its two markers, so the picture is the data ESLint enforces.
// `--check` writes nothing and exits 1 when the page's block differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { LIB_DEPENDENCIES, WRONG_WAY_EDGES } from '../libs/dependency-graph.mjs';

export const BEGIN = '<!-- lib-graph:begin (npm run docs:graph) -->';
export const END = '<!-- lib-graph:end -->';

export function libGraphMermaid() {
  const wrong = new Set(WRONG_WAY_EDGES.map(([from, to]) => `${from}>${to}`));
  const lines = ['```mermaid', 'flowchart BT'];
  for (const [lib, deps] of Object.entries(LIB_DEPENDENCIES)) {
    if (deps.length === 0) lines.push(`  ${lib}[libs/${lib}]`);
    for (const dep of deps) lines.push(`  ${lib}[libs/${lib}] ${wrong.has(`${lib}>${dep}`) ? '-.->' : '-->'} ${dep}[libs/${dep}]`);
  }
  lines.push('```');
  return lines.join('\n');
}

export function withGraph(page) {
  const start = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/architecture.md has no ${BEGIN} … ${END} block`);
  return `${page.slice(0, start + BEGIN.length)}\n${libGraphMermaid()}\n${page.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = new URL('../docs/architecture.md', import.meta.url);
  const page = readFileSync(path, 'utf8');
  const next = withGraph(page);
  if (process.argv.includes('--check')) {
    if (next !== page) {
      console.error('docs/architecture.md: the libs graph differs from libs/dependency-graph.mjs; run npm run docs:graph');
      process.exit(1);
    }
  } else if (next !== page) {
    writeFileSync(path, next);
    console.log('docs/architecture.md: libs graph rewritten');
  }
}
