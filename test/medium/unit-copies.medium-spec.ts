import { createHash, randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import pg from 'pg';
import { detailsFor } from '#units';
import { UNIT_CODES, type UnitCode } from '#contracts';
import { UnitScope, connectDataKeyRotation, databaseUrlWithLogin, unitDatabaseLogin } from '#persistence';
import { parseKey32 } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral, person } from '../support/factories.js';
import { securityEnv, TEST_CIPHERTEXT_PREFIX } from '../support/security-env.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';

type Json = Record<string, unknown>;

/** Every leaf string of a record with its path (`person.phone`, `recipientReasons`…), a list's items under its own path. */
function leaves(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((item) => leaves(item, path));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key));
  return [];
}

/**
 * 第二十四条: what each unit holds at rest. Each unit's own database login reads every table it may,
 * each ciphertext it finds is tried with that unit's own keys, and nothing of the person outside the
 * unit's projection (libs/units recipient-projections.ts) may come out, plain or decrypted: the
 * sender reads its full record, each recipient its projection, every other unit nothing.
 */
describe('a unit’s copy at rest (medium: real PostgreSQL, each unit’s login and key)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const adapters: MediumAdapter[] = [];
  const sender: UnitCode = 'procuratorate';
  const recipients: UnitCode[] = ['civil-affairs', 'education'];
  const record = judicialReferral(recipients, {
    person: person({ name: '蔡某某甲', phone: '13912345678' }),
    recipientReasons: [{ unit: 'education', reason: '申请人之子辍学在家，需教育部门核实资助。' }, { unit: 'civil-affairs', reason: '家庭收入骤减，需民政部门核实低保条件。' }],
  }) as unknown as Json;
  const handoffs = new Map<UnitCode, string>();
  /** the documents attached by the sender, by material type: education's projection has `school`, not `medical` */
  const documents = { school: '学籍证明：蔡某某乙，晋江市某中学', medical: '诊断证明：颅脑损伤，住院三十日' };

  const loginUrl = (code: UnitCode): string => databaseUrlWithLogin(db.url, unitDatabaseLogin(code));

  beforeAll(async () => {
    bus = await startMediumBus('medium_unit_copies', { units: [sender, ...recipients], unitLogins: true, driver, clock });
    ({ db } = bus);
    adapters.push(...bus.adapters);
    const request = plainToInstance(OpenJudicialReferralRequest, record);
    const opened = await adapters[0].unitOfWork.run(() => adapters[0].opening.open('judicial-referral', request));
    for (const handoff of opened.handoffs) handoffs.set(handoff.to, handoff.id);
    const scope = adapters[0].app.get(UnitScope).for(sender);
    for (const handoffId of handoffs.values()) {
      for (const [material, text] of Object.entries(documents)) {
        const content = Buffer.from(text);
        await scope.transaction((store) =>
          store.attachments.add({ id: randomUUID(), handoffId, fileName: `${material}.txt`, contentType: 'text/plain', sizeBytes: content.length, sha256: createHash('sha256').update(content).digest('hex'), content, material: material as 'school' }),
        );
      }
    }
    await settle(driver, adapters);
  }, 60_000);

  const templateUrl = process.env.DATABASE_URL;
  afterAll(async () => {
    await bus?.close();
    process.env.DATABASE_URL = templateUrl;
  });

  /** What `unit` may hold of the record: all of it as the sender, its projection as a recipient, nothing otherwise. */
  function allowed(unit: UnitCode): Set<string> {
    const held = unit === sender ? record : recipients.includes(unit) ? detailsFor(unit, { kind: 'judicial-referral', fromAgency: sender, toAgency: unit }, record) : {};
    return new Set([...leaves(held).map(([, value]) => value), ...(unit === sender ? Object.values(documents) : unit === 'civil-affairs' ? [documents.medical] : unit === 'education' ? [documents.school] : [])]);
  }

  /** The record's values outside `unit`'s projection (long enough to be the person's, not a code): none may reach it. */
  function forbidden(unit: UnitCode): string[] {
    const mayHold = allowed(unit);
    const all = [...leaves(record).map(([, value]) => value), ...Object.values(documents)];
    return [...new Set(all.filter((value) => value.length >= 6 && !mayHold.has(value) && value !== record.caseRef && !(UNIT_CODES as readonly string[]).includes(value)))];
  }

  /** Everything `unit`'s login reads, every ciphertext in it tried with `unit`'s keys: the plain texts it can obtain. */
  async function readable(unit: UnitCode): Promise<string> {
    const client = new pg.Client({ connectionString: loginUrl(unit) });
    await client.connect();
    const keys = securityEnv(unit);
    const connected = await connectDataKeyRotation(loginUrl(unit), { unit, masterKey: parseKey32(keys.DATA_MASTER_KEY) as Buffer, idHashKey: parseKey32(keys.PERSON_ID_HMAC_KEY) as Buffer });
    const protection = connected.protection;
    const found: string[] = [];
    try {
      const tables = await db.query<{ table: string }>(`SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'`);
      for (const { table } of tables) {
        // The columns the login may read (a column privilege may hide one, as "Handoff".details).
        const columns = (await client.query<{ column: string }>(`SELECT attname AS column FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND has_column_privilege(current_user, attrelid, attnum, 'SELECT')`, [`"${table}"`])).rows.map((row) => row.column);
        if (columns.length === 0) continue;
        const rows = (await client.query<Json>(`SELECT ${columns.map((column) => `"${column}"`).join(', ')} FROM "${table}"`)).rows;
        for (const row of rows) {
          const handoffId = (row.handoffId ?? row.id) as string | undefined;
          for (const value of Object.values(row)) {
            if (value instanceof Uint8Array) {
              found.push(Buffer.from(value).toString('utf8'));
              if (table === 'Attachment' && handoffId) found.push((await protection.openContent(row.handoffId as string, row.id as string, value, row.keyWraps).catch(() => Buffer.alloc(0))).toString('utf8'));
            } else if (value && typeof value === 'object' && !(value instanceof Date)) {
              found.push(JSON.stringify(value));
              // Each field on its own: one that does not decrypt under this unit's keys leaves the others readable.
              if (handoffId) for (const [field, item] of Object.entries(value)) found.push(JSON.stringify(await protection.open(handoffId, { [field]: item }, row.keyWraps).catch(() => null)));
            } else if (typeof value === 'string') found.push(value);
          }
        }
      }
    } finally {
      await client.end();
      await connected.close();
    }
    return found.join('\n');
  }

  it('each party took its own copy: the sender its full record, each recipient its projection', async () => {
    const copies = await db.query<{ handoffId: string; agency: string }>(`SELECT "handoffId", agency FROM "HandoffCopy" ORDER BY agency`);
    expect(copies.map((copy) => `${copy.agency}:${copy.handoffId}`).sort()).toEqual(
      [...handoffs.entries()].flatMap(([to, id]) => [`${sender}:${id}`, `${to}:${id}`]).sort(),
    );
  });

  it('a recipient’s login cannot read the sender’s record ("Handoff".details), nor another unit’s copy', async () => {
    const education = new pg.Client({ connectionString: loginUrl('education') });
    await education.connect();
    try {
      await expect(education.query('SELECT details FROM "Handoff"')).rejects.toMatchObject({ code: '42501' });
      const copies = await education.query<{ agency: string }>('SELECT agency FROM "HandoffCopy"');
      expect(copies.rows).toEqual([{ agency: 'education' }]);
      const documents = await education.query<{ material: string }>('SELECT material FROM "Attachment"');
      expect(documents.rows.map((row) => row.material)).toEqual(['school']);
    } finally {
      await education.end();
    }
  });

  /** A unit's keys, over the owner's connection: what they open, whatever row-level security would show. */
  async function keysOf(unit: UnitCode) {
    const env = securityEnv(unit);
    return connectDataKeyRotation(db.url, { unit, masterKey: parseKey32(env.DATA_MASTER_KEY) as Buffer, idHashKey: parseKey32(env.PERSON_ID_HMAC_KEY) as Buffer });
  }

  it('a key of one unit never opens another unit’s copy, nor a message, step or document not sealed to it', async () => {
    const copies = await db.query<{ handoffId: string; agency: UnitCode; details: Json }>(`SELECT "handoffId", agency, details FROM "HandoffCopy"`);
    const shared = await db.query<{ table: string; handoffId: string; value: Json; keyWraps: Json }>(
      `SELECT 'Message' AS table, "handoffId", payload AS value, "keyWraps" FROM "Message" UNION ALL SELECT 'HandoffStep', "handoffId", details, "keyWraps" FROM "HandoffStep"`,
    );
    const parties = await db.query<{ id: string; fromAgency: string; toAgency: string }>(`SELECT id, "fromAgency", "toAgency" FROM "Handoff"`);
    const partiesOf = new Map(parties.map((row) => [row.id, [row.fromAgency, row.toAgency]]));
    for (const unit of [sender, ...recipients, 'justice'] as UnitCode[]) {
      const keys = await keysOf(unit);
      try {
        for (const copy of copies) {
          const opened = keys.protection.open(copy.handoffId, copy.details);
          if (copy.agency === unit) await expect(opened).resolves.toBeDefined();
          else await expect(opened).rejects.toThrow(/unknown data key|does not decrypt/);
        }
        for (const row of shared.filter((candidate) => Object.keys(candidate.keyWraps).length > 0 && JSON.stringify(candidate.value).includes(TEST_CIPHERTEXT_PREFIX))) {
          const opened = keys.protection.open(row.handoffId, row.value, row.keyWraps);
          if (unit in row.keyWraps) await expect(opened).resolves.toBeDefined();
          else await expect(opened).rejects.toThrow(/not sealed to/);
          // Sealed only to the row's handoff's parties.
          expect(Object.keys(row.keyWraps).every((party) => partiesOf.get(row.handoffId)?.includes(party))).toBe(true);
        }
      } finally {
        await keys.close();
      }
    }
    // Every unit's data keys are its own: named by it, wrapped under its master key (never one for two units).
    const keys = await db.query<{ agency: string; fingerprint: string }>(`SELECT agency, "masterKeyFingerprint" AS fingerprint FROM "DataKey"`);
    expect(keys.every((key) => key.agency !== null)).toBe(true);
    expect(new Set(keys.map((key) => key.fingerprint)).size).toBe(new Set(keys.map((key) => key.agency)).size);
  });

  it.each(UNIT_CODES)('%s: its login and key read nothing of the person outside its projection', async (unit) => {
    const text = await readable(unit);
    const leaked = forbidden(unit).filter((value) => text.includes(value));
    expect({ unit, leaked }).toEqual({ unit, leaked: [] });
    // And what it may hold it does read: the copy is there and opens with its key.
    if (unit === 'education') expect(text).toContain(documents.school);
    if (unit === 'civil-affairs') expect(text).toContain('13912345678');
    if (unit === sender) expect(text).toContain(documents.medical);
  });
});
