import { readFileSync } from 'node:fs';
import { ESLint, type Linter } from 'eslint';
import { LIB_DEPENDENCIES, LIBS, WRONG_WAY_EDGES, forbiddenImportsOf } from './dependency-graph.mjs';
import { libGraphMermaid, withGraph } from '../scripts/lib-graph.mjs';

// The libs' layers are data (dependency-graph.mjs); eslint.config.js enforces them with one rule per
// lib. Linted as a file of a lib, the fixture's wrong-way imports must fail, and an allowed one pass.
const eslintConfigPath = '../eslint.config.js';
const { default: eslintConfig } = (await import(eslintConfigPath)) as { default: Linter.Config[] };
const layerRules = eslintConfig.filter(
  (entry) => entry.rules?.['no-restricted-imports'] !== undefined && (entry.files ?? []).some((glob) => String(glob).startsWith('libs/')),
);
const linter = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: [{ languageOptions: { sourceType: 'module' } }, ...layerRules] });
const lintAs = async (filePath: string, code: string) => (await linter.lintText(code, { filePath }))[0].messages.map((message) => message.message);

describe('the libs’ layers (libs/dependency-graph.mjs, enforced by ESLint)', () => {
  it('gives every lib its own import rule', () => {
    expect(layerRules.map((entry) => entry.files).flat().sort()).toEqual(LIBS.map((lib) => `libs/${lib}/src/**/*.ts`).sort());
  });

  it('fails the fixture’s wrong-way imports, linted as a file of libs/calendar', async () => {
    const fixture = readFileSync('test/fixtures/lint/wrong-way-import.ts', 'utf8');
    const messages = await lintAs('libs/calendar/src/wrong-way.ts', fixture);
    expect(messages).toEqual([expect.stringContaining('libs/calendar may not import #persistence'), expect.stringContaining('A lib never imports an app.')]);
  });

  it('passes an import the graph allows, and fails one it does not', async () => {
    expect(await lintAs('libs/persistence/src/x.ts', "import { UNIT_CODES } from '#contracts';\nexport const x = UNIT_CODES;\n")).toEqual([]);
    expect(await lintAs('libs/handoffs/src/x.ts', "import { UnitScope } from '#persistence';\nexport const x = UnitScope;\n")).toEqual([
      expect.stringContaining('libs/handoffs may not import #persistence'),
    ]);
  });

  it('lists only known libs, no lib importing itself, and marks only listed edges as wrong-way', () => {
    for (const lib of LIBS) {
      expect(LIB_DEPENDENCIES[lib].filter((dep) => !LIBS.includes(dep) || dep === lib)).toEqual([]);
      expect(forbiddenImportsOf(lib)).not.toContain(lib);
    }
    for (const [from, to] of WRONG_WAY_EDGES) expect(LIB_DEPENDENCIES[from]).toContain(to);
  });

  it('is the picture docs/architecture.md shows (npm run docs:graph)', () => {
    const page = readFileSync('docs/architecture.md', 'utf8');
    expect(withGraph(page)).toBe(page);
    expect(page).toContain(libGraphMermaid());
  });
});
