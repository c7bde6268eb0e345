import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// The committed documents (docs/openapi/) and the client's generated types are what the built code
// generates: a DTO or decorator changed without `npm run openapi` fails here. The generator runs
// from dist/ as `npm run openapi` does (npm test has built it); test/handoff-flows checks that running
// adapters serve the same documents.

describe('docs/openapi', () => {
  const documents: Record<string, unknown> = Object.fromEntries(
    readdirSync('docs/openapi')
      .filter((file) => file.endsWith('.json'))
      .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(`docs/openapi/${file}`, 'utf8'))]),
  );

  it('holds one document per adapter unit, the scheduler and the console, each as the code generates it, and the client types likewise', () => {
    const units = ['procuratorate', 'education', 'civil-affairs', 'justice', 'hrss', 'agriculture', 'medical-security', 'health', 'veterans', 'youth-league', 'womens-federation', 'next-generation', 'disabled-federation'];
    expect(Object.keys(documents).sort()).toEqual([...units.map((unit) => `adapter-${unit}`), 'console', 'scheduler'].sort());
    const check = spawnSync(process.execPath, ['scripts/openapi.mjs', '--check', '--no-build'], { encoding: 'utf8' });
    expect({ status: check.status, output: check.stderr }).toEqual({ status: 0, output: '' });
  });

  it('says OpenAPI 3.1 with the package version, and gives every operation a summary, a response schema and its problems', () => {
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
    for (const [name, document] of Object.entries(documents) as [string, { openapi: string; info: { version: string }; paths: Record<string, Record<string, { summary?: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>> }][]) {
      expect({ name, openapi: document.openapi, version: document.info.version }).toEqual({ name, openapi: '3.1.0', version });
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const where = `${name} ${method} ${path}`;
          expect({ where, summary: typeof operation.summary }).toEqual({ where, summary: 'string' });
          const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
          expect({ where, schema: success && Object.values(success[1].content ?? {})[0]?.schema !== undefined }).toEqual({ where, schema: true });
          for (const [status, response] of Object.entries(operation.responses).filter(([status]) => /^4/.test(status))) {
            expect({ where, status, schema: response.content?.['application/json']?.schema }).toEqual({ where, status, schema: { $ref: '#/components/schemas/Problem' } });
          }
        }
      }
    }
  });

  it('describes the webhooks with their signature headers, in each unit’s own field names', () => {
    const civil = documents['adapter-civil-affairs'] as { webhooks: Record<string, { post: { parameters: { name: string }[] } }>; components: { schemas: Record<string, { allOf?: { $ref: string }[] }> } };
    expect(civil.webhooks.busMessage.post.parameters.map((p) => p.name)).toEqual(['X-Bus-Message-Id', 'X-Bus-Message-Type', 'X-Bus-Signature']);
    expect(civil.components.schemas.UnitMessage.allOf).toEqual([{ $ref: '#/components/schemas/CivilAffairsMessage' }]);
    const education = documents['adapter-education'] as typeof civil;
    expect(education.components.schemas.UnitMessage.allOf).toEqual([{ $ref: '#/components/schemas/EducationMessage' }]);
    const justice = documents['adapter-justice'] as typeof civil;
    expect(justice.components.schemas.UnitMessage.allOf).toEqual([{ $ref: '#/components/schemas/BusEnvelope' }]);
  });
});
