import { getMetadataStorage } from 'class-validator';
import * as contracts from '#contracts';
import { CITIZEN_FIELDS, CITIZEN_OBJECTS, PLAIN_FIELDS } from './citizen-fields.js';

describe('every payload field is classified: citizen data (encrypted) or plain', () => {
  it('names each field of each payload schema in one list', () => {
    const classified = new Set([...CITIZEN_FIELDS, ...CITIZEN_OBJECTS, ...PLAIN_FIELDS]);
    const unclassified: string[] = [];
    // Every payload class the contracts export (…PayloadV<n>), so a new version is checked too.
    const schemas = Object.entries(contracts).filter(([name, value]) => /PayloadV\d+$/.test(name) && typeof value === 'function');
    expect(schemas.length).toBeGreaterThanOrEqual(9);
    for (const [name, schema] of schemas) {
      const fields = new Set(getMetadataStorage().getTargetValidationMetadatas(schema as new () => object, '', true, false).map((meta) => meta.propertyName));
      for (const field of fields) if (!classified.has(field)) unclassified.push(`${name}: ${field}`);
    }
    // A new field: add it to CITIZEN_FIELDS (names or describes a person) or PLAIN_FIELDS (libs/security citizen-fields.ts).
    expect(unclassified).toEqual([]);
  });
});
