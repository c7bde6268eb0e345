import { BusAdapterClient } from '#client';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedUser } from './support/console-seed.js';
import { eventually } from './support/eventually.js';
import { judicialReferral, person } from './support/factories.js';
import { REDIS_URL } from './support/queue-mode.js';

// 第九条, 第十九条 ¶1 and 第二十四条, end to end: the procuratorate refers one person to education (pull)
// and civil-affairs (webhook). Every recipient of a referral receives what the text has the
// procuratorate transfer — its findings, the applicant's statement, the case materials and their
// documents — through GET /handoffs/{id}, its inbox or its webhook, and its attachments. Beyond them
// each unit receives, keeps and reads only its projection (libs/units recipient-projections.ts):
// education never reads the phone, another unit's reason or documents of a kind unrelated to its
// duty (medical records); the console shows a unit's user no person's data; the sender reads everything.

describe('least data per recipient (第二十四条), end to end', () => {
  let bus: BusFixture;
  let consoleApp: ConsoleProcess;
  const client = (code: 'procuratorate' | 'civil-affairs' | 'education') => {
    const adapter = bus.adapter(code);
    return new BusAdapterClient({ baseUrl: adapter.baseUrl, apiKey: adapter.apiKey, retry: { baseDelayMs: 50 } });
  };
  const child = person({ name: '欧阳投影甲', phone: '13977778888' });
  const NARRATIVE = '投影测试：加害人于深夜持刀闯入被害人家中行凶，致被害人颅脑重伤，其子目睹全过程。';
  const STATEMENT = '投影测试：母亲因伤不能工作，家庭月收入不足八百元。';
  const withheldFromEducation = [child.phone, '病历', '家庭困难-民政'];
  let ids: { education: string; 'civil-affairs': string };

  beforeAll(async () => {
    bus = await startBus('projection', { procuratorate: 'webhook', 'civil-affairs': 'webhook', education: 'pull' });
    await seedUser(bus.db, 'edu', 'education-password-1', 'unit', 'education');
    await seedUser(bus.db, 'office', 'office-password-1', 'office');
    consoleApp = new ConsoleProcess({ databaseUrl: bus.db.url, redisUrl: REDIS_URL, queuePrefix: bus.queuePrefix });
    await consoleApp.start();

    const referral = await client('procuratorate').openJudicialReferral(
      judicialReferral(['education', 'civil-affairs'], {
        person: child,
        findings: NARRATIVE,
        applicantStatement: STATEMENT,
        needs: ['student-aid', 'living-allowance'],
        recipientReasons: [{ unit: 'civil-affairs', reason: '家庭困难-民政' }],
      }),
    );
    const idOf = (unit: string) => referral.handoffs.find((h) => h.to === unit)?.id ?? '';
    ids = { education: idOf('education'), 'civil-affairs': idOf('civil-affairs') };
    // Both receivers have it before the tests read it.
    for (const unit of ['education', 'civil-affairs'] as const) {
      await eventually(async () => expect((await client(unit).getHandoff(ids[unit])).currentStep).toBe('received'));
    }
  }, 180_000);

  afterAll(async () => {
    await consoleApp?.stop();
    await bus?.stop();
  });

  const expectNone = (text: string, secrets: readonly string[]) => expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);

  it('education reads through GET /handoffs/{id} the child, the need, the findings, the statement and the materials list — not the phone nor another unit’s reason', async () => {
    const view = await client('education').getHandoff(ids.education);
    expect(view.details).toMatchObject({ person: { name: child.name, idNumber: child.idNumber }, needs: ['student-aid', 'living-allowance'], situation: 'serious-injury-victim', findings: NARRATIVE, applicantStatement: STATEMENT });
    expect(Object.keys(view.details).sort()).toEqual(['applicantStatement', 'caseMaterials', 'findings', 'investigationEndedOn', 'needs', 'person', 'priorityGroups', 'situation', 'suggestion']);
    expect(Object.keys(view.details.person as object).sort()).toEqual(['idNumber', 'name']);
    expectNone(JSON.stringify(view), withheldFromEducation);
    // Nor through the list, nor another unit's handoff of the same referral.
    expectNone(JSON.stringify(await client('education').listHandoffs()), withheldFromEducation);
    expect((await bus.adapter('education').get(`/handoffs/${ids['civil-affairs']}`)).status).toBe(404);
  });

  it('education’s pull inbox (its mapper’s body) carries the student, the findings and the statement, no phone', async () => {
    const inbox = await client('education').listInbox();
    const item = inbox.items.find((entry) => (entry.message as { handoffId?: string }).handoffId === ids.education);
    expect(item?.message).toMatchObject({ student: { fullName: child.name, residentId: child.idNumber, contactPhone: null }, payload: { findings: NARRATIVE, applicantStatement: STATEMENT } });
    expectNone(JSON.stringify(inbox), withheldFromEducation);
  });

  it('civil-affairs’ webhook body has the findings, the statement, the materials and the phone', async () => {
    const [webhook] = await eventually(() => {
      const got = bus.systems.for('civil-affairs', 'handoff.judicial-referral');
      expect(got).toHaveLength(1);
      return got;
    });
    expect(webhook.signatureValid).toBe(true);
    expect(webhook.body).toMatchObject({ xm: child.name, sfzh: child.idNumber, lxdh: child.phone, bus: { payload: { applicantStatement: STATEMENT, findings: NARRATIVE } } });
    const view = await client('civil-affairs').getHandoff(ids['civil-affairs']);
    expect(view.details).toMatchObject({ person: child, applicantStatement: STATEMENT, findings: NARRATIVE });
    expect(view.details.caseMaterials).toEqual(expect.arrayContaining([expect.objectContaining({ title: expect.any(String) })]));
  });

  it('the sender still reads its full record', async () => {
    for (const id of Object.values(ids)) {
      const view = await client('procuratorate').getHandoff(id);
      expect(view.details).toMatchObject({ person: child, findings: NARRATIVE, applicantStatement: STATEMENT });
    }
  });

  it('the recipients’ stored messages and copies hold only their projection; the sender’s copy keeps the whole', async () => {
    const keysOf = async (where: string, values: unknown[]) =>
      (await bus.db.query<{ keys: string[]; person: string[] }>(
        `SELECT ARRAY(SELECT jsonb_object_keys(payload) ORDER BY 1) AS keys, ARRAY(SELECT jsonb_object_keys(payload->'person') ORDER BY 1) AS person FROM "Message" WHERE ${where}`,
        values,
      ))[0];
    expect(await keysOf(`"toAgency" = 'education' AND "handoffId" = $1`, [ids.education])).toEqual({
      keys: ['applicantStatement', 'caseMaterials', 'findings', 'investigationEndedOn', 'needs', 'person', 'priorityGroups', 'situation', 'suggestion'],
      person: ['idNumber', 'name'],
    });
    const civil = await keysOf(`"toAgency" = 'civil-affairs' AND "handoffId" = $1`, [ids['civil-affairs']]);
    expect(civil.keys).toEqual(expect.arrayContaining(['applicantStatement', 'caseMaterials', 'findings', 'person']));
    expect(civil.person).toEqual(['idNumber', 'name', 'phone']);
    // 第二十四条: each party's own copy at rest — the sender's whole record, the recipient's projection.
    const copyOf = async (agency: string) =>
      (await bus.db.query<{ keys: string[]; person: string[] }>(
        `SELECT ARRAY(SELECT jsonb_object_keys(details) ORDER BY 1) AS keys, ARRAY(SELECT jsonb_object_keys(details->'person') ORDER BY 1) AS person FROM "HandoffCopy" WHERE "handoffId" = $1 AND agency = $2`,
        [ids.education, agency],
      ))[0];
    const sender = await copyOf('procuratorate');
    expect(sender.keys).toEqual(expect.arrayContaining(['findings', 'applicantStatement']));
    expect(sender.person).toEqual(expect.arrayContaining(['phone']));
    expect(await copyOf('education')).toEqual(await keysOf(`"toAgency" = 'education' AND "handoffId" = $1`, [ids.education]));
    // The handoff row keeps the plain fields only (what the scheduler and the office count).
    const [row] = await bus.db.query<{ keys: string[] }>(`SELECT ARRAY(SELECT jsonb_object_keys(details)) AS keys FROM "Handoff" WHERE id = $1`, [ids.education]);
    expect(row.keys).not.toContain('findings');
    expect(row.keys).not.toContain('applicantStatement');
  });

  it('education receives the case file (第九条) and the school record, not the medical records; the sender sees all three', async () => {
    const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`).toString('base64');
    const caseFile = await client('procuratorate').addAttachment(ids.education, { fileName: '调查核实笔录.pdf', contentType: 'application/pdf', contentBase64: pdf('笔录'), material: 'case-file' });
    const school = await client('procuratorate').addAttachment(ids.education, { fileName: '学籍证明.pdf', contentType: 'application/pdf', contentBase64: pdf('学籍'), material: 'school' });
    const medical = await client('procuratorate').addAttachment(ids.education, { fileName: '病历.pdf', contentType: 'application/pdf', contentBase64: pdf('病历'), material: 'medical' });
    const atEducation = await client('education').listAttachments(ids.education);
    expect(atEducation.map((a) => a.id).sort()).toEqual([caseFile.id, school.id].sort());
    expectNone(JSON.stringify(atEducation), withheldFromEducation);
    expect((await bus.adapter('education').get(`/handoffs/${ids.education}/attachments/${medical.id}`)).status).toBe(404);
    const adapter = bus.adapter('education');
    const download = await fetch(`${adapter.baseUrl}/handoffs/${ids.education}/attachments/${school.id}`, { headers: { authorization: `Bearer ${adapter.apiKey}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString('base64')).toBe(pdf('学籍'));
    expect((await client('procuratorate').listAttachments(ids.education)).map((a) => a.id).sort()).toEqual([caseFile.id, school.id, medical.id].sort());
  });

  it('the console shows education’s user its handoff without the person’s data, and not civil-affairs’ handoff; the office neither', async () => {
    const education = await ConsoleClient.signIn(consoleApp.baseUrl, 'edu', 'education-password-1');
    const page = await education.fetch(`/handoffs/${ids.education}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('晋江市教育局');
    expectNone(html, [...withheldFromEducation, NARRATIVE, STATEMENT, child.name, child.idNumber]);
    expect((await education.fetch(`/handoffs/${ids['civil-affairs']}`)).status).toBe(404);
    expectNone(await (await education.fetch('/handoffs')).text(), [...withheldFromEducation, NARRATIVE, STATEMENT, child.name, child.idNumber]);
    // The office sees steps, dates and units — the figures of 第二十三条 — never a person's data.
    const office = await ConsoleClient.signIn(consoleApp.baseUrl, 'office', 'office-password-1');
    const officePage = await office.fetch(`/handoffs/${ids['civil-affairs']}`);
    expect(officePage.status).toBe(200);
    expectNone(await officePage.text(), [NARRATIVE, STATEMENT, child.name, child.idNumber, child.phone]);
  });
});
