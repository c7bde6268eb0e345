import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { advanceReferral, judicialReferral, socialLead, urgentMedicalNotice } from './support/factories.js';

// Every flow of DOMAIN.md over real Redis and PostgreSQL, the adapters as separate processes:
// procuratorate and civil-affairs take deliveries by webhook, education pulls from its inbox.

const FULL_TIMELINE = ['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received'];

describe('handoffs between the units, end to end', () => {
  let bus: BusFixture;
  const procuratorate = () => bus.adapter('procuratorate');
  const civilAffairs = () => bus.adapter('civil-affairs');
  const education = () => bus.adapter('education');

  beforeAll(async () => {
    bus = await startBus('flows', { procuratorate: 'webhook', 'civil-affairs': 'webhook', education: 'pull' });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('refers one case to civil-affairs and education at once; both report back; the procuratorate sees both feedbacks', async () => {
    const referral = judicialReferral(['civil-affairs', 'education']);
    const opened = await procuratorate().post('/handoffs/judicial-referrals', referral);
    expect(opened.status).toBe(201);
    expect(opened.body.handoffs).toHaveLength(2);
    const toCivil = opened.body.handoffs.find((h: { to: string }) => h.to === 'civil-affairs');
    const toEducation = opened.body.handoffs.find((h: { to: string }) => h.to === 'education');
    expect(toCivil.priority).toBe('green-channel'); // a minor: 第五条(四)

    // civil-affairs: a signed webhook in its own system's field names.
    const [delivered] = await eventually(() => {
      const hooks = bus.systems.for('civil-affairs', 'handoff.judicial-referral');
      expect(hooks).toHaveLength(1);
      return hooks;
    });
    expect(delivered.signatureValid).toBe(true);
    expect(delivered.body).toMatchObject({ ajbh: referral.caseRef, xm: referral.person.name, sfzh: referral.person.idNumber, yjid: toCivil.id });

    // education: pulls its inbox, in its own field names, and acknowledges.
    const pulled = await eventually(async () => {
      const inbox = await education().get('/inbox');
      expect(inbox.body.items).toHaveLength(1);
      return inbox.body.items[0];
    });
    expect(pulled.message).toMatchObject({ referralNo: referral.caseRef, handoffId: toEducation.id, student: { residentId: referral.person.idNumber } });
    expect((await education().post(`/inbox/${pulled.messageId}/ack`, {})).status).toBe(200);
    expect((await education().get('/inbox')).body.items).toHaveLength(0);

    // Each receiver reports the steps of 第二十一条.
    for (const [unit, handoff] of [[civilAffairs(), toCivil], [education(), toEducation]] as const) {
      await eventually(async () => expect((await unit.get(`/handoffs/${handoff.id}`)).body.currentStep).toBe('received'));
      expect((await unit.post(`/handoffs/${handoff.id}/procedure-started`, { startedOn: '2026-11-24' })).status).toBe(201);
      expect((await unit.post(`/handoffs/${handoff.id}/concluded`, { concludedOn: '2026-11-26', outcome: 'assisted', measures: '纳入临时救助' })).status).toBe(201);
      expect((await unit.post(`/handoffs/${handoff.id}/feedback`, { summary: '已发放临时救助金3000元。' })).status).toBe(201);
    }

    for (const handoff of [toCivil, toEducation]) {
      const view = await eventually(async () => {
        const read = await procuratorate().get(`/handoffs/${handoff.id}`);
        expect(read.body.currentStep).toBe('feedback-received');
        return read.body;
      });
      expect(view.timeline.map((entry: { step: string }) => entry.step)).toEqual(FULL_TIMELINE);
      expect(view.timeline.find((entry: { step: string }) => entry.step === 'concluded').details).toMatchObject({ outcome: 'assisted' });
    }
    // The procuratorate's own system heard of every step by webhook: 2 receipts, 2 × 3 lifecycle messages.
    await eventually(() => {
      const types = bus.systems.for('procuratorate').filter((hook) => [toCivil.id, toEducation.id].includes(hook.body.handoffId as string));
      expect(types.map((hook) => hook.type).sort()).toEqual(
        ['handoff.receipt', 'handoff.procedure-started', 'handoff.concluded', 'handoff.feedback'].flatMap((t) => [t, t]).sort(),
      );
      expect(types.every((hook) => hook.signatureValid)).toBe(true);
    });
  });

  it('refuses an advance referral without a reason (第十九条 ¶2) and delivers one with it', async () => {
    const { reason: _omitted, ...withoutReason } = advanceReferral(['civil-affairs']);
    const refused = await procuratorate().post('/handoffs/advance-referrals', withoutReason);
    expect(refused.status).toBe(400);
    expect(refused.body.problems.map((p: { field: string }) => p.field)).toContain('reason');
    expect(bus.systems.for('civil-affairs', 'handoff.advance-referral')).toHaveLength(0);

    const accepted = await procuratorate().post('/handoffs/advance-referrals', advanceReferral(['civil-affairs']));
    expect(accepted.status).toBe(201);
    await eventually(() => {
      const hooks = bus.systems.for('civil-affairs', 'handoff.advance-referral');
      expect(hooks).toHaveLength(1);
      expect((hooks[0].body.bus as { payload: { reason: string } }).payload.reason).toBe('当事人急需生活救助，案件尚在办理中。');
    });
  });

  it('carries a lead from civil-affairs to the procuratorate and its feedback back (第二十条 ¶1, 第二十一条)', async () => {
    const lead = await civilAffairs().post('/handoffs/leads', socialLead());
    expect(lead.status).toBe(201);
    const [handoff] = lead.body.handoffs;
    expect(handoff.to).toBe('procuratorate');
    await eventually(() => expect(bus.systems.for('procuratorate', 'handoff.social-lead').some((h) => h.body.handoffId === handoff.id)).toBe(true));
    await eventually(async () => expect((await procuratorate().get(`/handoffs/${handoff.id}`)).body.currentStep).toBe('received'));

    expect((await procuratorate().post(`/handoffs/${handoff.id}/procedure-started`, { startedOn: '2026-11-25' })).status).toBe(201);
    const refusal = await procuratorate().post(`/handoffs/${handoff.id}/concluded`, { concludedOn: '2026-11-27', outcome: 'refused' });
    expect(refusal.status).toBe(400); // a refusal must cite 第六条
    expect(refusal.body.problems.map((p: { field: string }) => p.field)).toContain('refusalReasons');
    expect(
      (await procuratorate().post(`/handoffs/${handoff.id}/concluded`, { concludedOn: '2026-11-27', outcome: 'refused', refusalReasons: ['already-compensated'] })).status,
    ).toBe(201);
    expect((await procuratorate().post(`/handoffs/${handoff.id}/feedback`, { summary: '已通过保险理赔获得赔偿，不予司法救助。' })).status).toBe(201);

    const view = await eventually(async () => {
      const read = await civilAffairs().get(`/handoffs/${handoff.id}`);
      expect(read.body.currentStep).toBe('feedback-received');
      return read.body;
    });
    expect(view.timeline.map((entry: { step: string }) => entry.step)).toEqual(FULL_TIMELINE);
    await eventually(() => expect(bus.systems.for('civil-affairs', 'handoff.feedback').some((h) => h.body.yjid === handoff.id)).toBe(true));
  });

  it('brings an urgent medical notice to the procuratorate at once, marked urgent (第二十条 ¶2)', async () => {
    const notice = await civilAffairs().post('/handoffs/urgent-medical-notices', urgentMedicalNotice());
    expect(notice.status).toBe(201);
    const [handoff] = notice.body.handoffs;
    expect(handoff.priority).toBe('urgent');
    const hook = await eventually(() => {
      const found = bus.systems.for('procuratorate', 'handoff.urgent-medical-notice').find((h) => h.body.handoffId === handoff.id);
      if (!found) throw new Error('the urgent medical notice has not reached the procuratorate yet');
      return found;
    });
    expect(hook.body).toMatchObject({ priority: 'urgent', payload: { hospital: '晋江市医院' } });
  });

  it('refuses an urgent notice whose situation is not one of 第二十条 ¶2', async () => {
    const refused = await civilAffairs().post('/handoffs/urgent-medical-notices', urgentMedicalNotice({ situation: 'major-property-loss' }));
    expect(refused.status).toBe(400);
    expect(refused.body.problems.map((p: { field: string }) => p.field)).toContain('situation');
  });
});
