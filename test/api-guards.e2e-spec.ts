import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral, person } from './support/factories.js';

// Bad input gets a 4xx whose JSON names each problem, and nothing is written; a unit reads and
// changes only the handoffs it sent or received; a retried request with its Idempotency-Key is safe.

describe('the units’ API refuses what it must', () => {
  let bus: BusFixture;
  const procuratorate = () => bus.adapter('procuratorate');
  const civilAffairs = () => bus.adapter('civil-affairs');
  const education = () => bus.adapter('education');

  async function writtenRows(): Promise<number[]> {
    const [row] = await bus.db.query<{ handoffs: string; messages: string; outbox: string }>(
      `SELECT (SELECT count(*) FROM "Handoff") AS handoffs, (SELECT count(*) FROM "Message") AS messages, (SELECT count(*) FROM "OutboxEntry") AS outbox`,
    );
    return [row.handoffs, row.messages, row.outbox].map(Number);
  }

  beforeAll(async () => {
    bus = await startBus('guards', { procuratorate: 'pull', 'civil-affairs': 'pull', education: 'pull' }, { extraEnv: { MAX_BODY_BYTES: '4096' } });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  describe('bad input: a 4xx naming each problem, nothing written', () => {
    let before: number[];
    beforeEach(async () => {
      before = await writtenRows();
    });
    afterEach(async () => {
      expect(await writtenRows()).toEqual(before);
    });

    it('malformed JSON', async () => {
      const response = await procuratorate().post('/handoffs/judicial-referrals', '{"caseRef": "x",');
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, problems: [expect.objectContaining({ message: expect.any(String) })] });
    });

    it('missing and invalid fields, each named by its path', async () => {
      const response = await procuratorate().post('/handoffs/judicial-referrals', {
        recipients: ['civil-affairs'],
        person: { name: '林某某', idNumber: '350582199001011234', phone: '12345' },
        situation: 'bankrupt',
        investigationEndedOn: '2026-02-30',
        suggestion: '建议救助',
      });
      expect(response.status).toBe(400);
      const fields = response.body.problems.map((p: { field: string }) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['caseRef', 'findings', 'situation', 'investigationEndedOn', 'person.idNumber', 'person.phone']));
      const idProblem = response.body.problems.find((p: { field: string }) => p.field === 'person.idNumber');
      expect(idProblem.message).toMatch(/check digit/);
    });

    it('unknown unit codes and unknown fields', async () => {
      const response = await procuratorate().post('/handoffs/judicial-referrals', { ...judicialReferral(['civil-affairs', 'police']), extra: 1 });
      expect(response.status).toBe(400);
      const fields = response.body.problems.map((p: { field: string }) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['recipients', 'extra']));
    });

    it('a body over the configured size', async () => {
      const response = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { findings: '案'.repeat(3000) }));
      expect(response.status).toBe(413);
      expect(response.body.statusCode).toBe(413);
    });

    it('a referral sent by a department, or a lead sent by the procuratorate (第十九条, 第二十条)', async () => {
      expect((await civilAffairs().post('/handoffs/judicial-referrals', judicialReferral(['education']))).status).toBe(403);
      const lead = await procuratorate().post('/handoffs/leads', { caseRef: 'L-1', person: person(), situation: 'other', discoveredOn: '2026-11-02', summary: '线索' });
      expect(lead.status).toBe(403);
      expect(lead.body.message).toMatch(/第二十条/);
    });

    it('no API key, or another unit’s key', async () => {
      const body = judicialReferral(['civil-affairs']);
      const anonymous = await fetch(`${procuratorate().baseUrl}/handoffs/judicial-referrals`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      expect(anonymous.status).toBe(401);
      const borrowed = await procuratorate().request('POST', '/handoffs/judicial-referrals', body, { authorization: `Bearer ${civilAffairs().apiKey}` });
      expect(borrowed.status).toBe(401);
    });
  });

  describe('steps and access on an open handoff', () => {
    let handoffId: string;

    beforeAll(async () => {
      const opened = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
      handoffId = opened.body.handoffs[0].id;
      await eventually(async () => expect((await civilAffairs().get(`/handoffs/${handoffId}`)).body.currentStep).toBe('received'));
    });

    it('refuses feedback before the procedure started, and a step reported twice', async () => {
      const early = await civilAffairs().post(`/handoffs/${handoffId}/feedback`, { summary: '已处理' });
      expect(early.status).toBe(409);
      expect(early.body.problems[0]).toMatchObject({ field: 'feedback-given' });
      expect((await civilAffairs().post(`/handoffs/${handoffId}/procedure-started`, { startedOn: beijingToday() })).status).toBe(201);
      expect((await civilAffairs().post(`/handoffs/${handoffId}/procedure-started`, { startedOn: beijingToday() })).status).toBe(409);
      const steps = await bus.db.query(`SELECT step FROM "HandoffStep" WHERE "handoffId" = $1`, [handoffId]);
      expect(steps.map((row) => row.step).sort()).toEqual(['procedure-started', 'received', 'sent']);
    });

    it('lets only the receiver report steps', async () => {
      const bySender = await procuratorate().post(`/handoffs/${handoffId}/concluded`, { concludedOn: beijingToday(), outcome: 'assisted' });
      expect(bySender.status).toBe(403);
    });

    // 第二十四条: not even its existence — row-level security hides the row from the unit's login.
    it('hides the handoff from a unit that is not a party: 404 on read and on write, absent from its list', async () => {
      expect((await education().get(`/handoffs/${handoffId}`)).status).toBe(404);
      expect((await education().post(`/handoffs/${handoffId}/concluded`, { concludedOn: beijingToday(), outcome: 'assisted' })).status).toBe(404);
      const listed = (await education().get('/handoffs?limit=200')).body.items.map((h: { id: string }) => h.id);
      expect(listed).not.toContain(handoffId);
      expect((await civilAffairs().get('/handoffs?role=received&limit=200')).body.items.map((h: { id: string }) => h.id)).toContain(handoffId);
      expect((await education().get('/handoffs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a retried request with the first response and writes nothing more', async () => {
      const body = judicialReferral(['civil-affairs', 'education']);
      const key = `retry-${Date.now()}`;
      const first = await procuratorate().post('/handoffs/judicial-referrals', body, { 'idempotency-key': key });
      const before = await writtenRows();
      const second = await procuratorate().post('/handoffs/judicial-referrals', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await writtenRows()).toEqual(before);
      const handoffs = await bus.db.query(`SELECT id FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef]);
      expect(handoffs).toHaveLength(2);
    });

    it('opens the handoffs once when the same request races itself', async () => {
      const body = judicialReferral(['education']);
      const key = `race-${Date.now()}`;
      const answers = await Promise.all([1, 2, 3].map(() => procuratorate().post('/handoffs/judicial-referrals', body, { 'idempotency-key': key })));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
      expect(new Set(answers.map((a) => a.body.handoffs[0].id)).size).toBe(1);
      expect(await bus.db.query(`SELECT id FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef])).toHaveLength(1);
    });

    it('refuses the same key for a different request', async () => {
      const key = `reuse-${Date.now()}`;
      expect((await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']), { 'idempotency-key': key })).status).toBe(201);
      const reused = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['education']), { 'idempotency-key': key });
      expect(reused.status).toBe(422);
    });
  });

  it('serves its OpenAPI document with the request schemas', async () => {
    const document = await (await fetch(`${procuratorate().baseUrl}/openapi.json`)).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/handoffs/judicial-referrals', '/handoffs/{id}/feedback', '/inbox']));
    expect(document.components.schemas.OpenAdvanceReferralRequest.required).toEqual(expect.arrayContaining(['reason', 'caseRef', 'recipients']));
  });
});
