// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { LIBS, forbiddenImportsOf } from './libs/dependency-graph.mjs';

// A query that forgets the unit cannot be written outside libs/persistence, so the
// apps reach the database only through the repositories of a scope, never through Prisma itself.
const PRISMA_STAYS_IN_PERSISTENCE =
  'Prisma stays inside libs/persistence: use a repository from #persistence (UnitScope / OfficeScope), or add one there.';

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', 'libs/persistence/src/generated/**', '**/coverage/**', '.bus/**'] },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // prisma.config.ts sits outside tsconfig.json's include: the Prisma CLI loads it on its own.
        projectService: { allowDefaultProject: ['prisma.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      // `const { reason: _omitted, ...rest } = x` is how a field is left out of a copy; a leading
      // underscore says "unused on purpose" here as it does for tsc.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // ESLint's code-path analysis does not see a read inside a parameter decorator's arguments
      // (`@Param('agency', new ParseEnumPipe(AGENCY_ENUM))`), so it calls the assignment useless
      // (eslint/eslint#20947); tsc's noUnusedLocals and no-unused-vars above still catch the real cases.
      'no-useless-assignment': 'off',
      // Implementations of a promise-returning port (QueueDriver, handlers, fakes) are `async` so
      // that a throw is a rejection like every other failure, whether or not they await anything.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    files: ['apps/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@prisma/client', message: PRISMA_STAYS_IN_PERSISTENCE },
            { name: '#persistence', importNames: ['PrismaService'], message: PRISMA_STAYS_IN_PERSISTENCE },
          ],
          patterns: [{ group: ['@prisma/client/*', '**/generated/prisma', '**/generated/prisma/**'], message: PRISMA_STAYS_IN_PERSISTENCE }],
        },
      ],
    },
  },

  // Each lib imports only the libs libs/dependency-graph.mjs allows it, and never an app.
  ...LIBS.map((lib) => ({
    files: [`libs/${lib}/src/**/*.ts`],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbiddenImportsOf(lib).map((other) => ({
              regex: `^#${other}$`,
              message: `libs/${lib} may not import #${other}: its allowed imports are in libs/dependency-graph.mjs (a lower layer never reaches up).`,
            })),
            { group: ['**/apps/**'], message: 'A lib never imports an app.' },
          ],
        },
      ],
    },
  })),

  {
    // The e2e tests talk to the processes over HTTP: a response body is parsed JSON, `any` by
    // nature, and the test's expect(...) is what checks its shape. Typing every body first would
    // repeat each assertion as a cast, so the no-unsafe-* family is off for them alone.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    // Plain JavaScript (scripts, bench, this file, jest's config) is outside tsconfig.json: no
    // type information, and Node's globals.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
