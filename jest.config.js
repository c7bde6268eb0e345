// Native ESM jest: NestJS 12 ships ESM only, which jest's CommonJS mode cannot load on Node 20.
// Three layers, each its own jest project and npm command:
//   unit    *.spec.ts beside pure code — nothing installed but node_modules (npm run test:unit)
//   medium  *.medium-spec.ts — Nest TestingModules against a real PostgreSQL database, the
//           in-process queue driver and an injected clock (npm run test:medium)
//   e2e     test/*.e2e-spec.ts — the apps as separate processes, Redis, the browser (npm run test:e2e)
// and, apart from them, the fault suite:
//   faults  test/faults/*.fault-spec.ts — each scenario its own redis-server and PostgreSQL, the apps
//           as processes, a load generator; not part of `npm test` (npm run test:faults)
//   compose test/compose/*.compose-spec.ts — docker-compose.yml's three profiles on a Docker engine, one
//           after the other; not part of `npm test` (npm run test:compose)
/** @type {import('jest').Config} */
const libs = ['contracts', 'units', 'bus', 'persistence', 'config', 'calendar', 'deadlines', 'http', 'observability', 'handoffs', 'client', 'security', 'joint-meeting'];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((lib) => [`^#${lib}$`, `<rootDir>/libs/${lib}/src/index.ts`])),
    '^#browser$': '<rootDir>/scripts/lib/browser.mjs',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  testTimeout: 60_000,
  // Each checkout its own transform cache: jest's default (/tmp/jest_<uid>) is shared by every clone
  // on the machine, and a stale entry there once served a lib's index without an export it had gained.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'medium', testMatch: ['<rootDir>/libs/**/*.medium-spec.ts', '<rootDir>/apps/**/*.medium-spec.ts', '<rootDir>/test/medium/**/*.medium-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/*.fault-spec.ts'] },
    { ...common, displayName: 'compose', testMatch: ['<rootDir>/test/compose/*.compose-spec.ts'] },
  ],
};
