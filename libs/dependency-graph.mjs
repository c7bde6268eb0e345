// The libraries' layers, as data: which lib may import which. eslint.config.js turns this into one
// import rule per lib (a wrong-way import fails `npm run lint`), and `npm run docs:graph` draws the
// module graph of docs/architecture.md from it. Apps sit above every lib and may import any; no lib
// imports an app. `npm run check:cycles` (dpdm) refuses an import cycle between files.
//
// The domain (handoffs, contracts, calendar, units, security) imports no infrastructure; the
// infrastructure (persistence, bus, config) imports the domain; http and observability are plumbing
// for the apps.
export const LIB_DEPENDENCIES = {
  calendar: [],
  contracts: ['calendar'],
  security: ['contracts'],
  handoffs: ['contracts'],
  units: ['contracts', 'security'],
  config: ['units', 'contracts', 'security'],
  bus: ['config', 'contracts'],
  client: ['bus'],
  deadlines: ['units', 'calendar', 'contracts', 'handoffs'],
  persistence: ['units', 'calendar', 'contracts', 'deadlines', 'handoffs', 'security'],
  // The joint meeting's notices, requests and minutes (第二十二条, 第二十三条): each written with its alert
  // in one of the stores' transactions, so it sits above persistence.
  'joint-meeting': ['calendar', 'contracts', 'deadlines', 'handoffs', 'persistence'],
  http: ['contracts', 'handoffs'],
  observability: ['bus', 'config', 'contracts'],
};

/** The edges kept above that point the wrong way (infrastructure or plumbing reached from a lower layer). */
export const WRONG_WAY_EDGES = [
];

export const LIBS = Object.keys(LIB_DEPENDENCIES);

/** The `#lib` specifiers a lib may not import. */
export function forbiddenImportsOf(lib) {
  return LIBS.filter((other) => other !== lib && !LIB_DEPENDENCIES[lib].includes(other));
}
