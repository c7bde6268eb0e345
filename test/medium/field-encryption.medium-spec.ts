import { plainToInstance } from 'class-transformer';
import { connectDataKeyRotation, DecryptionError, FieldProtection } from '#persistence';
import { key32 } from '#config';
import { residentIdHash } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral, person } from '../support/factories.js';
import { TEST_CIPHERTEXT_PREFIX, TEST_PERSON_ID_HMAC_KEY, testDataMasterKey } from '../support/security-env.js';
import { dumpDatabase } from '../support/db-dump.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter, settle } from './support/medium-adapter.js';

/**
 * Citizens' fields are encrypted at rest, field by field, bound to their handoff;
 * units read what they always read; a rotation moves every row to a new key, and can be interrupted.
 */
describe('field encryption at rest (medium: real PostgreSQL)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let education: MediumAdapter;
  // The procuratorate's keys: its rotation is the one run here.
  const keys = { unit: 'procuratorate', masterKey: key32(testDataMasterKey('procuratorate')), idHashKey: key32(TEST_PERSON_ID_HMAC_KEY) };

  beforeAll(async () => {
    bus = await startMediumBus('medium_encryption', { units: ['procuratorate', 'civil-affairs', 'education'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs, education] = bus.adapters;
  });

  afterAll(async () => {
    await bus?.close();
  });

  async function refer(fixture = person({ name: '欧阳测试甲', phone: '13912345678' }), findings = '被害人欧阳测试甲受重伤，家住晋江市测试路8号。') {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs', 'education'], { person: fixture, findings }));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    await settle(driver, [procuratorate, civilAffairs, education]);
    return { fixture, findings, handoffs: opened.handoffs as { id: string; to: string; messageId: string }[] };
  }

  it('after a referral to two units, no name, ID number, phone or narrative is in the database in plain text; units read them as before', async () => {
    const { fixture, findings, handoffs } = await refer();
    const toCivil = handoffs.find((h) => h.to === 'civil-affairs') ?? handoffs[0];
    expect(driver.deadLetters).toEqual([]);
    await civilAffairs.unitOfWork.run(() =>
      civilAffairs.lifecycle.report(toCivil.id, 'procedure-started', { startedOn: '2026-11-23', note: '已联系欧阳测试甲本人，电话13912345678' }),
    );
    await settle(driver, [procuratorate, civilAffairs, education]);

    const dump = (await dumpDatabase(db)).text;
    expect(dump).toContain(toCivil.id); // the dump has the rows
    for (const secret of [fixture.name, fixture.idNumber, fixture.phone, findings, '晋江市测试路8号', '已联系']) expect(dump).not.toContain(secret);
    expect(dump).toContain(TEST_CIPHERTEXT_PREFIX);

    // The keyed hash, not the number, is what a lookup compares.
    const rows = await db.query<{ personIdHash: string }>(`SELECT "personIdHash" FROM "Handoff" WHERE id = $1`, [toCivil.id]);
    expect(rows[0].personIdHash).toBe(residentIdHash(keys.idHashKey, fixture.idNumber));
    // 第二十四条: each party's copy under a data key; the handoff row keeps the plain fields alone.
    const copies = await db.query<{ agency: string; dataKeyId: string }>(`SELECT agency, "dataKeyId" FROM "HandoffCopy" WHERE "handoffId" = $1 ORDER BY agency`, [toCivil.id]);
    expect(copies).toEqual([{ agency: 'civil-affairs', dataKeyId: expect.stringMatching(/^civil-affairs_dk/) }, { agency: 'procuratorate', dataKeyId: expect.stringMatching(/^procuratorate_dk/) }]);
    const [plain] = await db.query<{ details: Record<string, unknown> }>(`SELECT details FROM "Handoff" WHERE id = $1`, [toCivil.id]);
    expect(plain.details).toMatchObject({ situation: 'serious-injury-victim', priorityGroups: ['minor'] });
    expect(plain.details).not.toHaveProperty('findings');

    // Lookup by ID number goes through the hash: the unit finds the person's handoffs, another unit none of them.
    const found = await civilAffairs.agency.store.handoffs.listForPerson(fixture.idNumber.toLowerCase());
    expect(found.map((h) => h.id)).toEqual([toCivil.id]);
    expect((await procuratorate.agency.store.handoffs.listForPerson(fixture.idNumber)).map((h) => h.id).sort()).toEqual(handoffs.map((h) => h.id).sort());
    expect(await civilAffairs.agency.store.handoffs.listForPerson(person().idNumber)).toEqual([]);

    // Sender, receiver and the pull inbox read the plain values: the sender all, the receiver its projection (第二十四条).
    expect((await procuratorate.agency.store.handoffs.findVisible(toCivil.id)).details).toMatchObject({ person: fixture, findings, situation: 'serious-injury-victim' });
    const atCivil = await civilAffairs.agency.store.handoffs.findVisible(toCivil.id);
    expect(atCivil.details).toMatchObject({ person: fixture, situation: 'serious-injury-victim', findings });
    expect(atCivil.steps.find((s) => s.step === 'procedure-started')?.details).toEqual({ startedOn: '2026-11-23', note: '已联系欧阳测试甲本人，电话13912345678' });
    const inbox = await civilAffairs.agency.store.inbox.listUnacknowledged(100);
    const received = inbox.find((item) => item.envelope.handoffId === toCivil.id)?.envelope.payload;
    expect(received).toMatchObject({ person: fixture, situation: 'serious-injury-victim', findings });
    const message = await procuratorate.agency.store.messages.findVisible(toCivil.messageId);
    expect(message?.payload).toMatchObject({ person: fixture });
    expect(driver.deadLetters).toEqual([]);
  });

  it('keeps an Idempotency-Key’s answer encrypted, bound to its unit and key: a forwarded note is not in the database in plain text, the replay reads it', async () => {
    const key = crypto.randomUUID();
    const body = { forwarded: { summary: '回访发现欧阳回访甲仍需心理疏导，电话13912340000' }, status: 'recorded' };
    await civilAffairs.agency.store.idempotency.save(key, { requestHash: 'h', status: 201, body });
    const [row] = await db.query<{ body: string }>(`SELECT "responseBody"::text AS body FROM "IdempotencyRecord" WHERE agency = 'civil-affairs' AND key = $1`, [key]);
    expect(row.body).toContain(`"sealed": "${TEST_CIPHERTEXT_PREFIX}`);
    expect(row.body).not.toContain('欧阳回访甲');
    expect(await civilAffairs.agency.store.idempotency.find(key)).toEqual({ requestHash: 'h', status: 201, body });
    // Moved to another unit's record of the same key, it does not decrypt.
    await db.query(`INSERT INTO "IdempotencyRecord" (agency, key, "requestHash", "responseStatus", "responseBody") SELECT 'procuratorate', key, "requestHash", "responseStatus", "responseBody" FROM "IdempotencyRecord" WHERE agency = 'civil-affairs' AND key = $1`, [key]);
    await expect(procuratorate.agency.store.idempotency.find(key)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('a ciphertext moved to another handoff’s row does not decrypt', async () => {
    const a = await refer(person({ name: '甲某' }));
    const b = await refer(person({ name: '乙某' }));
    const [from, to] = [a.handoffs[0], b.handoffs[0]];
    const SENDER = `agency = 'procuratorate'`;
    await db.query(`UPDATE "HandoffCopy" SET details = jsonb_set(details, '{person,name}', (SELECT details->'person'->'name' FROM "HandoffCopy" WHERE "handoffId" = $1 AND ${SENDER})) WHERE "handoffId" = $2 AND ${SENDER}`, [from.id, to.id]);
    await expect(procuratorate.agency.store.handoffs.findVisible(to.id)).rejects.toBeInstanceOf(DecryptionError);
    // The same value in its own row still reads.
    expect((await procuratorate.agency.store.handoffs.findVisible(from.id)).details).toMatchObject({ person: { name: '甲某' } });
    // A field moved within one row (name ← phone) does not decrypt either.
    await db.query(`UPDATE "HandoffCopy" SET details = jsonb_set(details, '{person,name}', details->'person'->'phone') WHERE "handoffId" = $1 AND ${SENDER}`, [from.id]);
    await expect(procuratorate.agency.store.handoffs.findVisible(from.id)).rejects.toBeInstanceOf(DecryptionError);
    await db.query(`DELETE FROM "HandoffStep" WHERE "handoffId" = ANY($1::uuid[])`, [[from.id, to.id]]);
    await db.query(`DELETE FROM "InboxEntry" WHERE "handoffId" = ANY($1::uuid[])`, [[from.id, to.id]]);
    await db.query(`DELETE FROM "OutboxEntry" WHERE "messageId" IN (SELECT id FROM "Message" WHERE "handoffId" = ANY($1::uuid[]))`, [[from.id, to.id]]);
    await db.query(`DELETE FROM "Message" WHERE "handoffId" = ANY($1::uuid[])`, [[from.id, to.id]]);
    await db.query(`DELETE FROM "HandoffCopy" WHERE "handoffId" = ANY($1::uuid[])`, [[from.id, to.id]]);
    await db.query(`DELETE FROM "Handoff" WHERE id = ANY($1::uuid[])`, [[from.id, to.id]]);
  });

  it('rotates one unit’s data key: interrupted, old rows still read; run again, it continues; new rows use the new key; the old key revoked', async () => {
    const before = await refer(person({ name: '旋转前' }));
    // The sender's copy written before encryption existed (plain JSON, no key): rotation encrypts it too.
    const legacy = before.handoffs[1];
    const plainDetails = (await procuratorate.agency.store.handoffs.findVisible(legacy.id)).details;
    await db.query(`UPDATE "HandoffCopy" SET details = $2::jsonb, "dataKeyId" = NULL WHERE "handoffId" = $1 AND agency = 'procuratorate'`, [legacy.id, JSON.stringify(plainDetails)]);
    await db.query(`UPDATE "Handoff" SET "personIdHash" = NULL WHERE id = $1`, [legacy.id]);

    // Two documents (第九条): one sealed to both parties, one stored in plain bytes before encryption existed.
    const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`);
    const attach = (handoffId: string, text: string) =>
      procuratorate.agency.store.attachments.add({ id: crypto.randomUUID(), handoffId, fileName: `${text}.pdf`, contentType: 'application/pdf', sizeBytes: pdf(text).length, sha256: 'x', content: pdf(text), material: 'household-finances' });
    const sealedDoc = await attach(before.handoffs[0].id, '收入证明甲');
    const legacyDoc = await attach(legacy.id, '收入证明乙');
    await db.query(`UPDATE "Attachment" SET content = $2, "dataKeyId" = NULL, "keyWraps" = NULL WHERE id = $1`, [legacyDoc.id, pdf('收入证明乙')]);
    const readDoc = async (doc: { id: string; handoffId: string }, at = procuratorate) => Buffer.from((await at.agency.store.attachments.get(doc.handoffId, doc.id))?.content ?? []);
    expect((await readDoc(legacyDoc)).equals(pdf('收入证明乙'))).toBe(true);
    const sealedTo = async (table: string, id: string) => (await db.query<{ key: string | null }>(`SELECT "keyWraps"->'procuratorate'->>'key' AS key FROM "${table}" WHERE id = $1`, [id]))[0]?.key;
    const civilKeys = await db.query(`SELECT id, "retiredAt" FROM "DataKey" WHERE agency = 'civil-affairs'`);

    const admin = await connectDataKeyRotation(db.url, keys);
    try {
      const [{ oldKey }] = await db.query<{ oldKey: string }>(`SELECT id AS "oldKey" FROM "DataKey" WHERE agency = 'procuratorate' AND "retiredAt" IS NULL`);
      expect(oldKey).toMatch(/^procuratorate_dk/);
      expect(await sealedTo('Attachment', sealedDoc.id)).toBe(oldKey);
      // Everything of the procuratorate is under its current key but the two legacy rows: the first run takes them, and makes no key.
      const first = await admin.rotation.run({ batchSize: 50 });
      expect(first).toMatchObject({ unit: 'procuratorate', keyId: oldKey, newKey: false, remaining: 0 });
      expect((await db.query(`SELECT "personIdHash" FROM "Handoff" WHERE id = $1`, [legacy.id]))[0]).toEqual({ personIdHash: residentIdHash(keys.idHashKey, before.fixture.idNumber) });
      // The plain document is encrypted too, under a content key sealed to both parties, and reads the same at each.
      expect(await sealedTo('Attachment', legacyDoc.id)).toBe(oldKey);
      expect((await readDoc(legacyDoc)).equals(pdf('收入证明乙'))).toBe(true);
      expect((await readDoc(legacyDoc, education)).equals(pdf('收入证明乙'))).toBe(true);

      // Now a rotation, stopped after one batch of two rows.
      const interrupted = await admin.rotation.run({ batchSize: 2, maxBatches: 1 });
      expect(interrupted).toMatchObject({ newKey: true, rows: 2, batches: 1 });
      expect(interrupted.remaining).toBeGreaterThan(0);
      expect(interrupted.keyId).not.toBe(oldKey);
      const underOld = await db.query(`SELECT "handoffId" FROM "HandoffCopy" WHERE agency = 'procuratorate' AND "dataKeyId" = $1`, [oldKey]);
      expect(underOld.length).toBeGreaterThan(0);
      // Old and new rows both read; the documents are still sealed under the old key (the last table a run reaches) and read.
      for (const { id } of await db.query<{ id: string }>(`SELECT id FROM "Handoff"`)) {
        await expect(procuratorate.agency.store.handoffs.findVisible(id)).resolves.toMatchObject({ id });
      }
      expect(await sealedTo('Attachment', sealedDoc.id)).toBe(oldKey);
      expect((await readDoc(sealedDoc)).equals(pdf('收入证明甲'))).toBe(true);

      // Adapters take up the new key (within 30 s; here at once): a new referral is under it.
      procuratorate.app.get(FieldProtection).ring.refresh();
      const after = await refer(person({ name: '旋转后' }));
      const fresh = await db.query<{ dataKeyId: string }>(`SELECT "dataKeyId" FROM "HandoffCopy" WHERE "handoffId" = $1 AND agency = 'procuratorate'`, [after.handoffs[0].id]);
      expect(fresh[0].dataKeyId).toBe(interrupted.keyId);
      expect(await sealedTo('Message', after.handoffs[0].messageId)).toBe(interrupted.keyId);

      // Run again: it continues to the same key, makes none, and leaves nothing of the procuratorate under the old one.
      const resumed = await admin.rotation.run({ batchSize: 3 });
      expect(resumed).toMatchObject({ keyId: interrupted.keyId, newKey: false, remaining: 0 });
      const newDoc = await attach(after.handoffs[0].id, '收入证明丙');
      expect(await sealedTo('Attachment', newDoc.id)).toBe(interrupted.keyId);
      expect(await db.query(`SELECT "handoffId" FROM "HandoffCopy" WHERE agency = 'procuratorate' AND "dataKeyId" IS DISTINCT FROM $1`, [interrupted.keyId])).toEqual([]);
      for (const table of ['HandoffStep', 'Message', 'Attachment']) {
        expect(await db.query(`SELECT id FROM "${table}" WHERE "keyWraps" ? 'procuratorate' AND "keyWraps"->'procuratorate'->>'key' IS DISTINCT FROM $1`, [interrupted.keyId])).toEqual([]);
      }
      const keysNow = await db.query<{ id: string; retired: boolean }>(`SELECT id, "retiredAt" IS NOT NULL AS retired FROM "DataKey" WHERE agency = 'procuratorate' ORDER BY "createdAt"`);
      expect(keysNow).toEqual([{ id: oldKey, retired: true }, { id: interrupted.keyId, retired: false }]);
      // Another unit's keys are not touched by the procuratorate's rotation.
      expect(await db.query(`SELECT id, "retiredAt" FROM "DataKey" WHERE agency = 'civil-affairs'`)).toEqual(civilKeys);

      // Revocation: the retired key, which no row needs any more, is removed.
      expect(await admin.rotation.revokeRetired()).toEqual([oldKey]);
      expect(await db.query(`SELECT id FROM "DataKey" WHERE agency = 'procuratorate'`)).toEqual([{ id: interrupted.keyId }]);

      // Everything still reads, the legacy row included, with its plain values.
      expect((await civilAffairs.agency.store.handoffs.findVisible(before.handoffs[0].id)).details).toMatchObject({ person: before.fixture });
      expect((await procuratorate.agency.store.handoffs.findVisible(legacy.id)).details).toEqual(plainDetails);
      const atEducation = (await education.agency.store.handoffs.findVisible(legacy.id)).details;
      expect(atEducation).toMatchObject({ person: { name: '旋转前' }, situation: 'serious-injury-victim' });
      expect(atEducation).not.toHaveProperty('person.phone');
      // The documents: the bytes as they were at both parties, no plain text left.
      for (const [doc, text] of [[sealedDoc, '收入证明甲'], [legacyDoc, '收入证明乙'], [newDoc, '收入证明丙']] as const) {
        expect((await readDoc(doc)).equals(pdf(text))).toBe(true);
        const [{ content }] = await db.query<{ content: Buffer }>(`SELECT content FROM "Attachment" WHERE id = $1`, [doc.id]);
        expect(content.toString('utf8').startsWith(`${TEST_CIPHERTEXT_PREFIX}ck`)).toBe(true);
      }
      expect((await readDoc(legacyDoc, education)).equals(pdf('收入证明乙'))).toBe(true);
      expect((await dumpDatabase(db)).text).not.toContain(before.fixture.idNumber);
    } finally {
      await admin.close();
    }
  });

  it('refuses a master key other than the one that wrapped the data keys, naming the setting (the adapter checks it before it listens)', async () => {
    // A second procuratorate process given another master key than the one that wrapped its data keys.
    await expect(mediumAdapter('procuratorate', { databaseUrl: db.url, driver, clock, env: { DATA_MASTER_KEY: 'ff'.repeat(32) } })).rejects.toThrow(
      /DATA_MASTER_KEY: data key procuratorate_dk\w+ of procuratorate was wrapped under master key/,
    );
  });
});
