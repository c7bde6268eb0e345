import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { advanceReferral, beijingToday, caseRef, judicialReferral, urgentMedicalNotice } from './support/factories.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';
import { TEST_CIPHERTEXT_PREFIX } from './support/security-env.js';

// With real processes: the adapters of the procuratorate and civil affairs, and the
// scheduler with a clock the test moves (CLOCK_FILE). The adapters run on the real clock.

interface ObligationView {
  rule: string;
  status: string;
  responsibleAgency: string;
  dueAt: string;
  late: boolean | null;
}
interface AlertView {
  dedupeKey: string;
  kind: string;
  level: string;
  agency: string | null;
  handoffId: string | null;
  summary: string;
}

describe('the policy’s duties as the text writes them (real processes, injected scheduler clock)', () => {
  let bus: BusFixture;
  let clock: TestClock;
  let scheduler: SchedulerProcess;

  beforeAll(async () => {
    // disabled-federation has not joined the bus: its adapter has never started, so it has no key yet.
    bus = await startBus('duties', { procuratorate: 'pull', 'civil-affairs': 'pull', education: 'pull' }, { unjoined: ['disabled-federation'] });
    clock = new TestClock(new Date());
    bus.systems.trust('office', 'office-secret-0123456789');
    scheduler = new SchedulerProcess({
      databaseUrl: bus.db.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: bus.queuePrefix,
      clock,
      officeWebhook: { url: bus.systems.url('office'), secret: 'office-secret-0123456789' },
    });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler?.stop();
    await bus?.stop();
  });

  const obligations = async (id: string) => (await scheduler.get(`/obligations?handoffId=${id}`)).body as ObligationView[];
  const alertsOf = async (id: string, kind = '') =>
    ((await scheduler.get(`/escalations?open=true${kind ? `&kind=${kind}` : ''}`)).body as AlertView[]).filter((alert) => alert.handoffId === id);

  it('第二十条 ¶2: an urgent notice sent five hours after the department noticed is recorded late against it, and the office is told', async () => {
    const noticedAt = new Date(Date.now() - 5 * 3600_000).toISOString();
    const opened = await bus.adapter('civil-affairs').post('/handoffs/urgent-medical-notices', urgentMedicalNotice({ noticedAt }));
    expect(opened.status).toBe(201);
    const [{ id }] = opened.body.handoffs as { id: string }[];
    const told = await eventually(async () => {
      const found = (await obligations(id)).find((o) => o.rule === 'urgent-notice-told-at-once');
      expect(found).toMatchObject({ responsibleAgency: 'civil-affairs', status: 'fulfilled', late: true });
      return found;
    });
    expect(told).toBeDefined();
    // No acknowledgement clock on the procuratorate: an office rule, off by default.
    expect((await obligations(id)).map((o) => o.rule)).not.toContain('urgent-notice-acknowledged');
    const [notice] = await eventually(async () => {
      const found = await alertsOf(id, 'duty-done-late');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(notice).toMatchObject({ agency: 'civil-affairs', level: 'office' });
    expect(notice.summary).toContain('第二十条第二款');
  });

  it('第二十条 ¶2: the procuratorate pays first; the paperwork duty starts from decidedOn and escalates when 补办手续 is not done', async () => {
    const opened = await bus.adapter('civil-affairs').post('/handoffs/urgent-medical-notices', urgentMedicalNotice({ noticedAt: new Date(Date.now() - 60_000).toISOString() }));
    const [{ id }] = opened.body.handoffs as { id: string }[];
    await eventually(async () => expect((await bus.adapter('procuratorate').get(`/handoffs/${id}`)).body.currentStep).toBe('received'));
    // Paying first is the procuratorate's decision, recorded as its own step; a department may not record it.
    expect((await bus.adapter('civil-affairs').post(`/handoffs/${id}/advance-payment-decision`, { paidFirst: true, decidedOn: beijingToday(), amountYuan: 20000 })).status).toBe(403);
    const decided = await bus.adapter('procuratorate').post(`/handoffs/${id}/advance-payment-decision`, { paidFirst: true, decidedOn: beijingToday(), amountYuan: 20000 });
    expect(decided.status).toBe(201);
    expect(decided.body).toMatchObject({ step: 'advance-payment-decided' });
    const paperwork = await eventually(async () => {
      const found = (await obligations(id)).find((o) => o.rule === 'paperwork-after-advance-payment');
      expect(found).toMatchObject({ responsibleAgency: 'procuratorate', status: 'open' });
      return found as ObligationView;
    });
    clock.set(new Date(new Date(paperwork.dueAt).getTime() + 60_000));
    await eventually(async () => expect((await alertsOf(id, 'escalation')).map((a) => a.dedupeKey)).toContain(`${id}.paperwork-after-advance-payment.overdue`));
    // The department sees the decision on the handoff's timeline.
    const { timeline } = (await bus.adapter('civil-affairs').get(`/handoffs/${id}`)).body as { timeline: { step: string; details?: unknown }[] };
    expect(timeline.find((s) => s.step === 'advance-payment-decided')).toMatchObject({ details: { paidFirst: true, amountYuan: 20000 } });
    clock.set(new Date());
  });

  it('第十九条 ¶1: a registered investigation is escalated before any referral is sent, and the referral with its caseRef fulfils it', async () => {
    const ref = caseRef();
    const registered = await bus.adapter('procuratorate').post('/registrations/investigations-ended', { caseRef: ref, investigationEndedOn: beijingToday() });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    expect((await bus.adapter('civil-affairs').post('/registrations/investigations-ended', { caseRef: ref, investigationEndedOn: beijingToday() })).status).toBe(403);
    const duty = await eventually(async () => {
      const found = (await obligations(id)).find((o) => o.rule === 'referral-after-investigation');
      expect(found).toMatchObject({ responsibleAgency: 'procuratorate', status: 'open' });
      return found as ObligationView;
    });
    clock.set(new Date(new Date(duty.dueAt).getTime() + 60_000));
    await eventually(async () => expect((await alertsOf(id, 'escalation')).map((a) => a.dedupeKey)).toContain(`${id}.referral-after-investigation.overdue`));
    const referral = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { caseRef: ref, investigationEndedOn: beijingToday() }));
    expect(referral.status).toBe(201);
    await eventually(async () => expect((await obligations(id)).find((o) => o.rule === 'referral-after-investigation')).toMatchObject({ status: 'fulfilled' }));
    clock.set(new Date());
  });

  it('第九条: a written referral missing a material is refused with the list of what is missing', async () => {
    const response = await bus.adapter('procuratorate').post(
      '/handoffs/judicial-referrals',
      judicialReferral(['civil-affairs'], { applicantStatement: undefined, caseMaterials: [] }),
    );
    expect(response.status).toBe(400);
    expect((response.body.problems as { field: string; message: string }[]).map((p) => p.field)).toEqual(['applicantStatement', 'caseMaterials']);
    expect(response.body.problems[0].message).toContain('第九条');
  });

  it('第十条–第十八条: a referral records its needs — none stated, or a recipient no need points to without a reason, is refused', async () => {
    const procuratorate = bus.adapter('procuratorate');
    const withoutNeeds = await procuratorate.post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { needs: undefined }));
    expect(withoutNeeds.status).toBe(400);
    expect((withoutNeeds.body.problems as { field: string }[]).map((p) => p.field)).toContain('needs');
    const emptyNeeds = await procuratorate.post('/handoffs/advance-referrals', advanceReferral(['civil-affairs'], { needs: [] }));
    expect(emptyNeeds.status).toBe(400);
    expect(emptyNeeds.body.problems).toEqual([{ field: 'needs', message: expect.stringContaining('第十条–第十八条') }]);
    // justice is there for a need of civil affairs' only: refused until the request says why.
    const unrouted = await procuratorate.post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs', 'justice'], { needs: ['living-allowance'], recipientReasons: undefined }));
    expect(unrouted.status).toBe(400);
    expect(unrouted.body.problems).toEqual([{ field: 'recipients', message: expect.stringContaining('justice') }]);
    const reasoned = await procuratorate.post(
      '/handoffs/judicial-referrals',
      judicialReferral(['civil-affairs', 'justice'], { needs: ['living-allowance'], recipientReasons: [{ unit: 'justice', reason: '当事人另有民事纠纷需法律咨询' }] }),
    );
    expect(reasoned.status).toBe(201);
  });

  it('第二十四条: a referral to a unit that has not joined the bus yet (no key of its own) is refused, naming it, and nothing is written', async () => {
    const procuratorate = bus.adapter('procuratorate');
    const reference = caseRef();
    const refused = await procuratorate.post(
      '/handoffs/judicial-referrals',
      judicialReferral(['civil-affairs', 'disabled-federation'], { caseRef: reference, needs: ['living-allowance'], recipientReasons: [{ unit: 'disabled-federation', reason: '申请人肢体残疾，需残联评估康复救助。' }] }),
    );
    expect(refused.status).toBe(503);
    expect(String(refused.body.message)).toContain('disabled-federation has not joined the bus yet');
    const written = await bus.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM "Handoff" WHERE "caseRef" = $1`, [reference]);
    expect(written).toEqual([{ n: '0' }]);
  });

  it('第六条: a department declining cites its own reason, not 第六条; 第十条–第十八条: routing proposals name the article', async () => {
    const proposal = await bus.adapter('civil-affairs').post('/routing/proposals', { needs: ['orphaned-child'], priorityGroups: ['minor'] });
    expect(proposal.status).toBe(200);
    expect(proposal.body.recipients).toEqual([
      expect.objectContaining({ unit: 'education', articles: ['第十条第二款'] }),
      expect.objectContaining({ unit: 'civil-affairs', articles: ['第十一条第二款'] }),
    ]);
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { needs: ['living-allowance'] }));
    const [{ id }] = opened.body.handoffs as { id: string }[];
    await eventually(async () => expect((await bus.adapter('civil-affairs').get(`/handoffs/${id}`)).body.currentStep).toBe('received'));
    expect((await bus.adapter('civil-affairs').post(`/handoffs/${id}/procedure-started`, { startedOn: beijingToday() })).status).toBe(201);
    const sixth = await bus.adapter('civil-affairs').post(`/handoffs/${id}/concluded`, { concludedOn: beijingToday(), outcome: 'refused', refusalReasons: ['already-compensated'] });
    expect(sixth.status).toBe(400);
    expect(sixth.body.message).toContain('第六条');
    const own = await bus.adapter('civil-affairs').post(`/handoffs/${id}/concluded`, {
      concludedOn: beijingToday(),
      outcome: 'refused',
      declineReason: 'not-eligible',
      declineDetails: '家庭人均收入高于本市低保标准',
    });
    expect(own.status).toBe(201);
  });

  it('第九条, 第十九条: a document travels with a referral — type-checked, hashed, encrypted, kept out of the messages, readable by the two parties only, by the recipient only for its projection’s material types (第二十四条)', async () => {
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    const [{ id }] = opened.body.handoffs as { id: string }[];
    const pdf = Buffer.from('%PDF-1.7\n% 家庭经济状况证明\n%%EOF\n');
    const attached = await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: '收入证明.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64'), material: 'household-finances' });
    expect(attached.status).toBe(201);
    const { createHash } = await import('node:crypto');
    expect(attached.body).toMatchObject({ fileName: '收入证明.pdf', sizeBytes: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), uploadedBy: 'procuratorate', material: 'household-finances' });
    // The judicial case file (the default type) reaches every recipient of a referral (第九条); a school
    // record is not civil-affairs' to read (第十一条 needs the household's documents, not the school's).
    const caseFile = await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: '审批表.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.7\n% 国家司法救助审批表\n%%EOF\n').toString('base64') });
    expect(caseFile.body).toMatchObject({ material: 'case-file' });
    const schoolRecord = await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: '学籍证明.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.7\n% 学籍证明\n%%EOF\n').toString('base64'), material: 'school' });
    expect(schoolRecord.status).toBe(201);
    // An executable called a PDF, and a type not on the list, are refused.
    expect((await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('MZ\x90\x00').toString('base64') })).status).toBe(400);
    expect((await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: 'x.exe', contentType: 'application/x-msdownload', contentBase64: pdf.toString('base64') })).status).toBe(400);
    expect((await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: 'x.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64'), material: 'gossip' })).status).toBe(400);

    const receiver = bus.adapter('civil-affairs');
    const listed = await receiver.get(`/handoffs/${id}/attachments`);
    expect((listed.body as { id: string }[]).map((a) => a.id).sort()).toEqual([attached.body.id as string, caseFile.body.id as string].sort());
    expect(((await bus.adapter('procuratorate').get(`/handoffs/${id}/attachments`)).body as unknown[]).length).toBe(3);
    const download = await fetch(`${receiver.baseUrl}/handoffs/${id}/attachments/${attached.body.id as string}`, { headers: { authorization: `Bearer ${receiver.apiKey}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/pdf');
    expect(download.headers.get('x-content-sha256')).toBe(attached.body.sha256);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    const withheld = await fetch(`${receiver.baseUrl}/handoffs/${id}/attachments/${schoolRecord.body.id as string}`, { headers: { authorization: `Bearer ${receiver.apiKey}` } });
    expect(withheld.status).toBe(404);
    // Encrypted at rest: the stored bytes are a ciphertext naming its key, not the PDF.
    const stored = await bus.db.query<{ content: Buffer; dataKeyId: string | null }>(`SELECT content, "dataKeyId" FROM "Attachment" WHERE "handoffId" = $1`, [id]);
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      expect(row.content.toString('utf8').startsWith(`${TEST_CIPHERTEXT_PREFIX}${row.dataKeyId}.`)).toBe(true);
      expect(row.content.includes(Buffer.from('%PDF'))).toBe(false);
    }
    // Not a party: nothing, not even that the handoff exists (第二十四条).
    expect((await bus.adapter('education').get(`/handoffs/${id}/attachments`)).status).toBe(404);
    // Outside the message rows (and so never in a queue, whose jobs carry ids only).
    const messages = await bus.db.query<{ payload: unknown }>(`SELECT payload FROM "Message" WHERE "handoffId" = $1`, [id]);
    expect(JSON.stringify(messages)).not.toContain(pdf.toString('base64'));
  });

  it('第九条: a scanned document of several MiB uploads (its own body limit), one past 10 MiB is refused with 413, other bodies keep theirs', async () => {
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    const [{ id }] = opened.body.handoffs as { id: string }[];
    const scan = (bytes: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(bytes - 9, 0x20)]);
    // 3 MiB: twelve times the adapter's MAX_BODY_BYTES (256 KiB) once in base64.
    const large = scan(3 * 1024 * 1024);
    const attached = await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, { fileName: '卷宗扫描件.pdf', contentType: 'application/pdf', contentBase64: large.toString('base64') });
    expect(attached.status).toBe(201);
    expect(attached.body.sizeBytes).toBe(large.length);
    const tooLarge = await bus.adapter('procuratorate').post(`/handoffs/${id}/attachments`, {
      fileName: '过大.pdf',
      contentType: 'application/pdf',
      contentBase64: scan(10 * 1024 * 1024 + 1).toString('base64'),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.problems).toEqual([{ field: 'contentBase64', message: expect.stringContaining(String(10 * 1024 * 1024)) }]);
    // Any other route still refuses a body past MAX_BODY_BYTES.
    const padded = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { findings: '情'.repeat(100_000) }));
    expect(padded.status).toBe(413);
  });
});
