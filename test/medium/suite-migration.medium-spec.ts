import { plainToInstance } from 'class-transformer';
import { connectDataKeyRotation, FieldProtection } from '#persistence';
import { key32 } from '#config';
import type { UnitCode } from '#contracts';
import { cryptoSuite, type CryptoSuiteName, residentIdHash, useCryptoSuite } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral, person } from '../support/factories.js';
import { TEST_CRYPTO_SUITE, TEST_PERSON_ID_HMAC_KEY, testDataMasterKey } from '../support/security-env.js';
import { dumpDatabase } from '../support/db-dump.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';

const PREFIX: Record<CryptoSuiteName, string> = { international: 'enc1.', national: 'enc2.sm4-ctr-hmac-sm3.' };

/**
 * A populated bus moves from its cryptography suite to the other one while it runs (docs/crypto.md),
 * unit by unit: each unit's rotation (npm run keys -- rotate-data-key --unit <code> with the other
 * CRYPTO_SUITE) makes a data key of the new suite for the unit and moves its rows to it in batches
 * (its copies re-encrypted, the messages, steps and documents it reads re-encrypted under content
 * keys of the new suite); interrupted, every row of either suite still reads and lookups by ID number
 * find both; resumed, it finishes; once every unit that holds rows has run, nothing is of the old suite
 * and nothing is lost.
 */
describe('moving a running bus between cryptography suites (medium: real PostgreSQL)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let education: MediumAdapter;
  const idHashKey = key32(TEST_PERSON_ID_HMAC_KEY);
  const keysOf = (unit: UnitCode) => ({ unit, masterKey: key32(testDataMasterKey(unit)), idHashKey });
  const UNITS = ['procuratorate', 'civil-affairs', 'education'] as const;
  const from = TEST_CRYPTO_SUITE;
  const to: CryptoSuiteName = from === 'national' ? 'international' : 'national';

  beforeAll(async () => {
    bus = await startMediumBus('medium_suite_migration', { units: ['procuratorate', 'civil-affairs', 'education'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs, education] = bus.adapters;
  });

  afterAll(async () => {
    useCryptoSuite(TEST_CRYPTO_SUITE);
    await bus?.close();
  });

  async function refer(name: string, idNumber: string) {
    const fixture = person({ name, idNumber, phone: '13955550000' });
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs', 'education'], { person: fixture, findings: `${name}受重伤，家住晋江市迁移路1号。` }));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    await settle(driver, [procuratorate, civilAffairs, education]);
    const handoffs = opened.handoffs;
    const content = Buffer.from(`%PDF-1.7\n% 收入证明 ${name}\n%%EOF\n`);
    await procuratorate.agency.store.attachments.add({
      id: crypto.randomUUID(),
      handoffId: handoffs[0].id,
      fileName: '收入证明.pdf',
      contentType: 'application/pdf',
      sizeBytes: content.length,
      sha256: 'x',
      content,
      material: 'household-finances',
    });
    return { fixture, handoffs, content };
  }

  /** What each party reads of every handoff and document: the migration must leave it as it was. */
  async function everythingRead() {
    const read: Record<string, unknown> = {};
    for (const { id } of await db.query<{ id: string }>(`SELECT id FROM "Handoff" ORDER BY id`)) {
      for (const unit of [procuratorate, civilAffairs, education]) {
        const visible = await unit.agency.store.handoffs.findVisible(id).catch(() => null);
        if (visible) read[`${unit.agency.code}:${id}`] = visible.details;
      }
    }
    for (const doc of await db.query<{ id: string; handoffId: string }>(`SELECT id, "handoffId" FROM "Attachment" ORDER BY id`)) {
      read[`doc:${doc.id}`] = Buffer.from((await procuratorate.agency.store.attachments.get(doc.handoffId, doc.id))?.content ?? []).toString('base64');
    }
    return read;
  }

  async function currentKeyOf(unit: UnitCode): Promise<string> {
    const [{ id }] = await db.query<{ id: string }>(`SELECT id FROM "DataKey" WHERE agency = $1 AND "retiredAt" IS NULL`, [unit]);
    return id;
  }

  it(`moves every row from ${from} to ${to}, unit by unit: a dry run changes nothing; interrupted, both suites read; resumed, nothing is lost`, async () => {
    const people = [];
    for (let i = 0; i < 5; i += 1) people.push(await refer(`迁移测试${'甲乙丙丁戊'[i]}`, `35058219900101${String(100 + i)}X`));
    const before = await everythingRead();
    expect(Object.keys(before).length).toBeGreaterThan(15);
    const oldKey = await currentKeyOf('procuratorate');
    const keysBefore = await db.query<{ id: string }>(`SELECT id FROM "DataKey" ORDER BY id`);
    expect((await dumpDatabase(db)).text).toContain(PREFIX[from]);

    useCryptoSuite(to); // the rotation CLI's CRYPTO_SUITE
    const admin = await connectDataKeyRotation(db.url, keysOf('procuratorate'));
    try {
      const plan = await admin.rotation.plan();
      expect(plan).toMatchObject({ unit: 'procuratorate', currentKeyId: oldKey, currentSuite: from, targetSuite: to, newKey: true });
      expect(plan.rows.HandoffCopy).toBe(10); // the sender's copy of each of the 10 handoffs
      expect(plan.rows.Attachment).toBe(5);
      expect(await db.query(`SELECT id FROM "DataKey" ORDER BY id`)).toEqual(keysBefore);

      const interrupted = await admin.rotation.run({ batchSize: 3, maxBatches: 2 });
      expect(interrupted).toMatchObject({ unit: 'procuratorate', newKey: true, rows: 6, batches: 2, suite: to });
      expect(interrupted.keyId).toMatch(/^procuratorate_dk/);
      expect(interrupted.remaining).toBeGreaterThan(0);
      const migrated = await db.query<{ details: { person: { name: string } } }>(`SELECT details FROM "HandoffCopy" WHERE "dataKeyId" = $1`, [interrupted.keyId]);
      expect(migrated.length).toBe(6);
      for (const row of migrated) expect(row.details.person.name.startsWith(PREFIX[to])).toBe(true);
      const [{ wrapped }] = await db.query<{ wrapped: string }>(`SELECT wrapped FROM "DataKey" WHERE id = $1`, [interrupted.keyId]);
      expect(wrapped.startsWith(PREFIX[to])).toBe(true);

      // Mid-migration, rows of both suites read, and a lookup by ID number finds a person whose rows are of either.
      expect(await everythingRead()).toEqual(before);
      for (const { fixture } of people) expect((await procuratorate.agency.store.handoffs.listForPerson(fixture.idNumber)).length).toBe(2);

      // The bus keeps running: adapters take up the new key (within 30 s; here at once) and write in the new suite.
      for (const unit of [procuratorate, civilAffairs, education]) unit.app.get(FieldProtection).ring.refresh();
      const during = await refer('迁移测试己', '350582199001011050');
      const [fresh] = await db.query<{ dataKeyId: string; details: { person: { name: string } } }>(
        `SELECT "dataKeyId", details FROM "HandoffCopy" WHERE "handoffId" = $1 AND agency = 'procuratorate'`,
        [during.handoffs[0].id],
      );
      expect(fresh.dataKeyId).toBe(interrupted.keyId);
      expect(fresh.details.person.name.startsWith(PREFIX[to])).toBe(true);
      const withNew = await everythingRead();

      const resumed = await admin.rotation.run({ batchSize: 4 });
      expect(resumed).toMatchObject({ keyId: interrupted.keyId, newKey: false, remaining: 0, suite: to });
      expect((await admin.rotation.plan()).newKey).toBe(true); // a further run would rotate again, within the suite
      expect(await everythingRead()).toEqual(withNew);

      // The recipients' rotations: a new key of the new suite each, every row of theirs moved to it.
      for (const unit of ['civil-affairs', 'education'] as const) {
        const recipient = await connectDataKeyRotation(db.url, keysOf(unit));
        try {
          expect(await recipient.rotation.plan()).toMatchObject({ unit, currentSuite: from, targetSuite: to, newKey: true });
          const done = await recipient.rotation.run({ batchSize: 5 });
          expect(done).toMatchObject({ unit, newKey: true, remaining: 0, suite: to });
          expect(done.rows).toBeGreaterThan(0);
        } finally {
          await recipient.close();
        }
      }
      for (const unit of [procuratorate, civilAffairs, education]) unit.app.get(FieldProtection).ring.refresh();

      // Nothing lost: every party reads what it read; every row and document is in the new suite, under
      // its units' new keys; ID hashes are the new suite's.
      expect(await everythingRead()).toEqual(withNew);
      const current = Object.fromEntries(await Promise.all(UNITS.map(async (unit) => [unit, await currentKeyOf(unit)] as const)));
      expect(current.procuratorate).toBe(interrupted.keyId);
      for (const unit of UNITS) {
        const [{ wrapped: ownWrapped }] = await db.query<{ wrapped: string }>(`SELECT wrapped FROM "DataKey" WHERE id = $1`, [current[unit]]);
        expect(ownWrapped.startsWith(PREFIX[to])).toBe(true);
      }
      for (const table of ['HandoffCopy', 'AssistanceMeasure']) {
        for (const row of await db.query<{ agency: UnitCode; dataKeyId: string; details: unknown }>(`SELECT agency, "dataKeyId", details FROM "${table}"`)) {
          expect(row.dataKeyId).toBe(current[row.agency as (typeof UNITS)[number]]);
          expect(JSON.stringify(row.details)).not.toContain(PREFIX[from]);
        }
      }
      const shared = await db.query<{ value: unknown; keyWraps: Record<string, { key: string }> }>(
        `SELECT payload AS value, "keyWraps" FROM "Message" UNION ALL SELECT details, "keyWraps" FROM "HandoffStep"`,
      );
      expect(shared.length).toBeGreaterThan(0);
      for (const row of shared) {
        expect(JSON.stringify(row.value)).not.toContain(PREFIX[from]);
        for (const [party, wrap] of Object.entries(row.keyWraps ?? {})) expect(wrap.key).toBe(current[party as (typeof UNITS)[number]]);
      }
      for (const { content } of await db.query<{ content: Buffer }>(`SELECT content FROM "Attachment"`)) expect(content.toString('utf8').startsWith(`${PREFIX[to]}ck`)).toBe(true);
      const hashes = await db.query<{ personIdHash: string }>(`SELECT DISTINCT "personIdHash" FROM "Handoff"`);
      const expected = [...people, during].map(({ fixture }) => residentIdHash(idHashKey, fixture.idNumber, cryptoSuite(to)));
      expect(hashes.map((row) => row.personIdHash).sort()).toEqual(expected.sort());
      for (const { fixture } of [...people, during]) expect((await education.agency.store.handoffs.listForPerson(fixture.idNumber)).length).toBe(1);
      const dump = (await dumpDatabase(db)).text;
      for (const { fixture } of [...people, during]) for (const secret of [fixture.name, fixture.idNumber, '晋江市迁移路1号', '收入证明 ']) expect(dump).not.toContain(secret);
    } finally {
      await admin.close();
    }
  });
});
