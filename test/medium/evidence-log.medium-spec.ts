import { plainToInstance } from 'class-transformer';
import type { Request } from 'express';
import { AUDIT_CHECKPOINT_EVERY, verifyEvidence } from '#persistence';
import { parseSigningRegistry } from '#security';
import { UNIT_CODES } from '#contracts';
import { HandoffsController } from '../../apps/adapter/src/api/handoffs.controller.js';
import { EvidenceCheckpointer } from '../../apps/adapter/src/evidence/evidence-checkpointer.service.js';
import { eventually } from '../support/eventually.js';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral } from '../support/factories.js';
import { testPublicKeys, TEST_SIGNATURE_ALGORITHM } from '../support/security-env.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';

/**
 * Every state change and every read of a person's data goes in a hash-chained,
 * append-only evidence log; the verifier finds a record changed, removed or inserted.
 */
describe('evidence log (medium: real PostgreSQL)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  const registry = parseSigningRegistry(testPublicKeys(), UNIT_CODES);

  beforeAll(async () => {
    // The procuratorate's checkpoint timer is left off (an hour): its tail is signed when a test says.
    bus = await startMediumBus('medium_evidence', { units: ['procuratorate', 'civil-affairs'], adapterOptions: { 'procuratorate': { env: { AUDIT_CHECKPOINT_INTERVAL_MS: '3600000' } }, 'civil-affairs': { env: { AUDIT_CHECKPOINT_INTERVAL_MS: '200' } } }, driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs] = bus.adapters;
  });

  afterAll(async () => {
    await bus?.close();
  });

  async function refer(): Promise<string> {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    await settle(driver, [procuratorate, civilAffairs]);
    return opened.handoffs[0].id;
  }

  /** As the tables' owner with the append-only trigger off: what an intruder with the database's keys could do. */
  async function asIntruder(sql: string, params: unknown[]): Promise<void> {
    await db.query(`ALTER TABLE "AuditRecord" DISABLE TRIGGER USER`);
    try {
      await db.query(sql, params);
    } finally {
      await db.query(`ALTER TABLE "AuditRecord" ENABLE TRIGGER USER`);
    }
  }

  it('records each state change and each read of a person’s data: who, which unit, which handoff, when, why', async () => {
    const handoffId = await refer();
    const fakeRequest = { method: 'GET', baseUrl: '', route: { path: '/handoffs/:id' }, path: `/handoffs/${handoffId}`, apiKeyRef: 'API key 1234abcd', get: (name: string) => (name === 'x-access-reason' ? '核实救助申请' : undefined) };
    await civilAffairs.app.get(HandoffsController).get(handoffId, fakeRequest as unknown as Request);

    const evidence = (await db.query<{ chain: string; action: string; actor: string; agency: string; reason: string }>(
      `SELECT chain, action, actor, agency, reason FROM "AuditRecord" WHERE "handoffId" = $1 ORDER BY at, chain, seq`,
      [handoffId],
    ));
    expect(evidence.map((r) => `${r.chain}:${r.action}`)).toEqual(
      expect.arrayContaining(['procuratorate:handoff.opened', 'procuratorate:step.sent', 'civil-affairs:step.received', 'civil-affairs:person-data.read']),
    );
    const read = evidence.find((r) => r.action === 'person-data.read');
    expect(read).toMatchObject({ agency: 'civil-affairs', actor: 'civil-affairs system (API key 1234abcd)', reason: 'GET /handoffs/:id — 核实救助申请' });
    // No citizen in the log.
    const text = JSON.stringify(await db.query(`SELECT * FROM "AuditRecord"`));
    expect(text).not.toMatch(/林某某|3505821990/);

    const report = await verifyEvidence(db.url, registry);
    expect(report.problem).toBeNull();
    expect(report.chains.map((c) => c.chain)).toEqual(['civil-affairs', 'procuratorate']);
  });

  it('is append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    await expect(db.query(`UPDATE "AuditRecord" SET reason = 'x' WHERE chain = 'procuratorate' AND seq = 1`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM "AuditRecord" WHERE chain = 'procuratorate' AND seq = 1`)).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE "AuditRecord"`)).rejects.toThrow(/append-only/);
  });

  it('signs a checkpoint every AUDIT_CHECKPOINT_EVERY records', async () => {
    while (((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditRecord" WHERE chain = 'procuratorate'`))[0].n) < AUDIT_CHECKPOINT_EVERY) await refer();
    const checkpoints = await db.query<{ seq: number; signature: string }>(`SELECT seq, signature FROM "AuditCheckpoint" WHERE chain = 'procuratorate'`);
    expect(checkpoints.length).toBeGreaterThanOrEqual(1);
    expect(checkpoints[0].signature).toMatch(new RegExp(`^${TEST_SIGNATURE_ALGORITHM}\\.`));
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();
  });

  it('reports the records after the last signed checkpoint as the unsigned tail, and signs it by time, not only every 50 records', async () => {
    const newest = async (table: 'AuditRecord' | 'AuditCheckpoint') =>
      (await db.query<{ seq: number }>(`SELECT coalesce(max(seq), 0)::int AS seq FROM "${table}" WHERE chain = 'procuratorate'`))[0].seq;
    const checkpointer = procuratorate.app.get(EvidenceCheckpointer);
    await checkpointer.tick();
    clock.set(new Date('2026-11-23T03:00:00Z'));
    await refer();
    const [head, signed] = [await newest('AuditRecord'), await newest('AuditCheckpoint')];
    expect(head - signed).toBeGreaterThan(0);
    expect(head - signed).toBeLessThan(AUDIT_CHECKPOINT_EVERY); // the count alone would leave them unsigned

    const now = new Date('2026-11-23T03:00:07Z');
    const before = await verifyEvidence(db.url, registry, now);
    expect(before.problem).toBeNull();
    const tail = before.chains.find((c) => c.chain === 'procuratorate')?.unsigned;
    expect(tail).toMatchObject({ count: head - signed, firstSeq: signed + 1, lastSeq: head });
    const [first] = await db.query<{ at: Date }>(`SELECT at FROM "AuditRecord" WHERE chain = 'procuratorate' AND seq = $1`, [signed + 1]);
    expect(tail?.oldestAt).toBe(first.at.toISOString());
    expect(tail?.ageMs).toBe(Math.max(0, now.getTime() - first.at.getTime()));

    // The checkpointer signs the head at the clock's time; with nothing new it writes nothing.
    expect(await checkpointer.tick()).toBe(head);
    const [checkpoint] = await db.query<{ seq: number; hash: string; at: Date }>(`SELECT seq, hash, at FROM "AuditCheckpoint" WHERE chain = 'procuratorate' ORDER BY seq DESC LIMIT 1`);
    const [record] = await db.query<{ hash: string }>(`SELECT hash FROM "AuditRecord" WHERE chain = 'procuratorate' AND seq = $1`, [head]);
    expect(checkpoint).toEqual({ seq: head, hash: record.hash, at: clock.now() });
    expect(await checkpointer.tick()).toBeNull();
    const after = await verifyEvidence(db.url, registry, now);
    expect(after.problem).toBeNull();
    expect(after.chains.find((c) => c.chain === 'procuratorate')?.unsigned).toBeNull();

    // On its own timer (civil-affairs: every 200 ms), with no test calling it: its tail is signed shortly after it is written.
    await refer();
    await eventually(async () => expect((await verifyEvidence(db.url, registry)).chains.find((c) => c.chain === 'civil-affairs')?.unsigned).toBeNull(), 10_000, 50);
  });

  it('finds the newest records removed, through the signed checkpoint', async () => {
    const [{ seq }] = await db.query<{ seq: number }>(`SELECT max(seq)::int AS seq FROM "AuditCheckpoint" WHERE chain = 'procuratorate'`);
    await asIntruder(`DELETE FROM "AuditRecord" WHERE chain = 'procuratorate' AND seq >= $1`, [seq]);
    const report = await verifyEvidence(db.url, registry);
    // Every remaining link is sound: only the signed checkpoint shows that the chain was longer.
    expect(report.chains.find((c) => c.chain === 'procuratorate')?.problem).toMatchObject({ seq, kind: 'removed', message: expect.stringMatching(/a signed checkpoint names it/) });
  });

  it('finds an edited record and a deleted one, naming the first', async () => {
    // Edited: the reason of procuratorate #2 rewritten.
    await asIntruder(`UPDATE "AuditRecord" SET reason = 'nothing happened' WHERE chain = 'procuratorate' AND seq = 2`, []);
    // Deleted: civil-affairs #3 removed.
    await asIntruder(`DELETE FROM "AuditRecord" WHERE chain = 'civil-affairs' AND seq = 3`, []);
    const report = await verifyEvidence(db.url, registry);
    const byChain = Object.fromEntries(report.chains.map((c) => [c.chain, c.problem]));
    expect(byChain.procuratorate).toMatchObject({ seq: 2, kind: 'changed', message: expect.stringMatching(/procuratorate#2 changed/) });
    expect(byChain['civil-affairs']).toMatchObject({ seq: 3, kind: 'removed', message: expect.stringMatching(/civil-affairs#3 removed/) });
    expect(report.problem).toMatchObject({ chain: 'civil-affairs', seq: 3 });
  });

});
