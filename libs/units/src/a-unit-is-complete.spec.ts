import { readdirSync, readFileSync } from 'node:fs';
import { HANDOFF_KINDS, UNIT_CODES } from '#contracts';
import { RECIPIENT_PROJECTIONS } from './projections/recipient-projections.js';
import { UNITS } from './unit.registry.js';

// The how-to of docs/architecture.md, "Add a unit": what a member unit needs besides its code, each
// checked for every unit, so that a unit added without one of them fails here, naming the piece.

const migrations = readdirSync('prisma/migrations', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => readFileSync(`prisma/migrations/${entry.name}/migration.sql`, 'utf8'))
  .join('\n');
/** The units the migrations give a database login of their own (`bus_unit_<code>`, '-' as '_'). */
const unitsWithLogins = new Set([...migrations.matchAll(/FOREACH unit IN ARRAY ARRAY\[([^\]]*)\]/g)].flatMap((match) => [...match[1].matchAll(/'([a-z_]+)'/g)].map((quoted) => quoted[1])));
const compose = readFileSync('docker-compose.yml', 'utf8');

describe.each(UNIT_CODES)('a unit is complete: %s', (code) => {
  it('has its definition: a Chinese name, the article of its duty, a port, a delivery mode', () => {
    expect(UNITS[code]).toMatchObject({ code, nameZh: expect.any(String), article: expect.stringMatching(/^第/), defaultPort: expect.any(Number), defaultDeliveryMode: expect.stringMatching(/^(webhook|pull)$/) });
  });

  it('has a projection for every kind of handoff it may receive (第二十四条: what its duty needs, nothing more)', () => {
    expect(Object.keys(RECIPIENT_PROJECTIONS[code]).sort()).toEqual([...HANDOFF_KINDS].sort());
  });

  it('has its own database login (row-level security keeps it to its own rows)', () => {
    expect(unitsWithLogins.has(code.replaceAll('-', '_'))).toBe(true);
  });

  it('has its OpenAPI document and its service in docker-compose.yml', () => {
    expect(() => readFileSync(`docs/openapi/adapter-${code}.json`)).not.toThrow();
    expect(compose).toMatch(new RegExp(`\\n  ${code}:\\n(?:.*\\n)*?\\s+AGENCY: ${code}\\n`));
  });
});
