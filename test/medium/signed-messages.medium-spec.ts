import { plainToInstance } from 'class-transformer';
import { inboxQueueName, MessageType } from '#contracts';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';
import { TEST_SIGNATURE_ALGORITHM } from '../support/security-env.js';

/**
 * The receiving adapter verifies the sender's signature before it records
 * anything; an altered, replayed or forged message is refused, dead-lettered, and the office alerted.
 */
describe('signed messages (medium: real PostgreSQL, in-process queues)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let justice: MediumAdapter;

  beforeAll(async () => {
    bus = await startMediumBus('medium_signatures', { units: ['procuratorate', 'civil-affairs', 'justice'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs, justice] = bus.adapters;
  });

  afterAll(async () => {
    await bus?.close();
  });

  async function open() {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    return (opened.handoffs as { id: string; messageId: string }[])[0];
  }

  const inboxRows = (messageId: string) => db.query(`SELECT 1 FROM "InboxEntry" WHERE "messageId" = $1`, [messageId]);
  const refusedAlerts = (messageId: string) => db.query<{ summary: string; agency: string }>(`SELECT summary, agency FROM "Alert" WHERE kind = 'message-refused' AND summary LIKE '%' || $1 || '%'`, [messageId]);
  const deadLetters = (messageId: string) => db.query<{ reason: string; agency: string }>(`SELECT reason, agency FROM "DeadLetter" WHERE "messageId" = $1`, [messageId]);

  it('stores every message with its sender’s signature, and delivers a genuine one', async () => {
    const { id, messageId } = await open();
    const [row] = await db.query<{ signature: string }>(`SELECT signature FROM "Message" WHERE id = $1`, [messageId]);
    expect(row.signature).toMatch(new RegExp(`^${TEST_SIGNATURE_ALGORITHM}\\.[0-9a-f]{16}\\.`));
    await settle(driver, [procuratorate, civilAffairs]);
    expect((await civilAffairs.agency.store.handoffs.findVisible(id)).currentStep).toBe('received');
    expect(driver.deadLetters).toEqual([]);
  });

  it('refuses a message altered in the database after it was signed: nothing recorded, dead-lettered, office alerted', async () => {
    const { id, messageId } = await open();
    await procuratorate.relay.publishBatch(100); // the job is queued…
    await db.query(`UPDATE "Message" SET payload = jsonb_set(payload, '{situation}', '"life-threatening-injury"') WHERE id = $1`, [messageId]); // …then the row is altered
    await driver.runUntilIdle();

    expect(await inboxRows(messageId)).toEqual([]);
    expect((await civilAffairs.agency.store.handoffs.findVisible(id)).currentStep).toBe('sent');
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId, reason: expect.stringMatching(/refused: signature .* does not match the message \(altered\)/) });
    expect(await deadLetters(messageId)).toEqual([{ agency: 'civil-affairs', reason: expect.stringMatching(/altered/) }]);
    const alerts = await refusedAlerts(messageId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ agency: 'civil-affairs', summary: expect.stringMatching(/消息被拒/) });
  });

  it('refuses a replay: a job with a known message id but other content, and a redelivery after the row was changed', async () => {
    const first = await open();
    const second = await open();
    await settle(driver, [procuratorate, civilAffairs]);
    const before = driver.deadLetters.length;

    // The id of a delivered message, replayed for another handoff.
    await driver.publish({
      queue: inboxQueueName('civil-affairs'),
      name: MessageType.JudicialReferral,
      id: `${first.messageId}.replay`,
      data: { messageId: first.messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId: second.id, from: 'procuratorate', to: 'civil-affairs' },
      priority: 'normal',
    });
    await driver.runUntilIdle();
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId: first.messageId, reason: expect.stringMatching(/does not match the stored message .* handoffId/) });

    // The same id redelivered after its content was changed.
    await db.query(`UPDATE "Message" SET "caseRef" = 'forged' WHERE id = $1`, [second.messageId]);
    await driver.publish({
      queue: inboxQueueName('civil-affairs'),
      name: MessageType.JudicialReferral,
      id: `${second.messageId}.again`,
      data: { messageId: second.messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId: second.id, from: 'procuratorate', to: 'civil-affairs' },
      priority: 'normal',
    });
    await driver.runUntilIdle();
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId: second.messageId, reason: expect.stringMatching(/altered/) });
    expect(driver.deadLetters.length).toBe(before + 2);
    expect(await refusedAlerts(first.messageId)).toHaveLength(1);
    expect(await refusedAlerts(second.messageId)).toHaveLength(1);
  });

  it('refuses a forged message: a signature by a key that is not the sender’s', async () => {
    const { id } = await open();
    await settle(driver, [procuratorate, civilAffairs]);
    // civil-affairs's receipt, signed by civil-affairs; its signature put on a message posing as the procuratorate.
    const [receipt] = await db.query<{ signature: string }>(`SELECT signature FROM "Message" WHERE "handoffId" = $1 AND "fromAgency" = 'civil-affairs' AND type = $2`, [id, MessageType.Receipt]);
    const forgedId = crypto.randomUUID();
    await db.query(
      `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload, "dataKeyId", "keyWraps", signature)
       SELECT $1, type, "schemaVersion", 'procuratorate', 'civil-affairs', "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload, "dataKeyId", "keyWraps", $2 FROM "Message" WHERE "handoffId" = $3 AND type = $4`,
      [forgedId, receipt.signature, id, MessageType.JudicialReferral],
    );
    await driver.publish({
      queue: inboxQueueName('civil-affairs'),
      name: MessageType.JudicialReferral,
      id: forgedId,
      data: { messageId: forgedId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId: id, from: 'procuratorate', to: 'civil-affairs' },
      priority: 'normal',
    });
    await driver.runUntilIdle();
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId: forgedId, reason: expect.stringMatching(/not a key of the sender procuratorate/) });
    expect(await inboxRows(forgedId)).toEqual([]);
    expect(await refusedAlerts(forgedId)).toHaveLength(1);
    // An unsigned one (signature removed) is refused too.
    const unsignedId = crypto.randomUUID();
    await db.query(
      `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload, "dataKeyId", "keyWraps")
       SELECT $1, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload, "dataKeyId", "keyWraps" FROM "Message" WHERE id = $2`,
      [unsignedId, forgedId],
    );
    await driver.publish({
      queue: inboxQueueName('civil-affairs'),
      name: MessageType.JudicialReferral,
      id: unsignedId,
      data: { messageId: unsignedId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId: id, from: 'procuratorate', to: 'civil-affairs' },
      priority: 'normal',
    });
    await driver.runUntilIdle();
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId: unsignedId, reason: expect.stringMatching(/refused: unsigned/) });
  });

  it('refuses a message signed by a unit that is not party to the handoff: justice’s own valid signature on a feedback for procuratorate → civil-affairs', async () => {
    const { id } = await open();
    await settle(driver, [procuratorate, civilAffairs]);
    const report = (step: 'procedure-started' | 'concluded' | 'feedback-given', payload: object) =>
      civilAffairs.unitOfWork.run(() => civilAffairs.lifecycle.report(id, step, payload));
    await report('procedure-started', { startedOn: '2026-11-23' });
    await report('concluded', { concludedOn: '2026-11-23', outcome: 'assisted', measures: '纳入临时救助' });
    const given = await report('feedback-given', { summary: '已纳入临时救助' });
    // civil-affairs's feedback waits in its outbox; justice writes its own copy first, signed with its
    // own key, written with row-level security bypassed (this adapter runs as the tables' owner: the
    // database's own refusal is row-level-security.medium-spec's), and relays it to the procuratorate.
    const genuine = await civilAffairs.agency.store.messages.findVisible(given.messageId as string);
    if (!genuine) throw new Error('the feedback was not written');
    const forgedId = crypto.randomUUID();
    await justice.agency.store.transaction((store) => store.messages.append([{ ...genuine, id: forgedId, from: 'justice' }]));
    expect(await justice.relay.publishBatch(100)).toBe(1);
    await driver.runUntilIdle();

    expect(await inboxRows(forgedId)).toEqual([]);
    expect((await procuratorate.agency.store.handoffs.findVisible(id)).currentStep).toBe('feedback-given');
    expect(driver.deadLetters.at(-1)).toMatchObject({ messageId: forgedId, reason: expect.stringMatching(/refused: its sender justice is not the other party of handoff .*procuratorate → civil-affairs/) });
    expect(await deadLetters(forgedId)).toEqual([{ agency: 'procuratorate', reason: expect.stringMatching(/justice is not the other party/) }]);
    expect(await refusedAlerts(forgedId)).toEqual([{ agency: 'procuratorate', summary: expect.stringMatching(/消息被拒.*司法/) }]);
    const evidence = await db.query<{ action: string; reason: string }>(`SELECT action, reason FROM "AuditRecord" WHERE chain = 'procuratorate' AND "handoffId" = $1 AND action = 'message.refused'`, [id]);
    expect(evidence).toEqual([{ action: 'message.refused', reason: expect.stringMatching(new RegExp(`message ${forgedId} from justice: .*not the other party`)) }]);

    // The genuine feedback is still taken when it arrives.
    await settle(driver, [procuratorate, civilAffairs, justice]);
    const received = (await procuratorate.agency.store.handoffs.findVisible(id)).steps.find((step) => step.step === 'feedback-received');
    expect(received).toMatchObject({ messageId: given.messageId });
  });
});
