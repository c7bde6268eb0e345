import { readFileSync } from 'node:fs';
import { BusAdapterClient, BusApiError, type CivilAffairsMessage, type EducationMessage } from '#client';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { beijingToday, advanceReferral, judicialReferral, socialLead, urgentMedicalNotice } from './support/factories.js';
import { present } from './support/present.js';

// Every flow of the policy (docs/policy.md) over real Redis and PostgreSQL, the adapters as separate processes:
// procuratorate and civil-affairs take deliveries by webhook, education pulls from its inbox.
// Each unit's system calls its adapter through the bus's typed client (libs/client), as a unit's
// IT team would.

const FULL_TIMELINE = ['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received'];

describe('handoffs between the units, end to end', () => {
  let bus: BusFixture;
  const clientOf = <M>(code: 'procuratorate' | 'civil-affairs' | 'education') => {
    const adapter = bus.adapter(code);
    return new BusAdapterClient<M>({ baseUrl: adapter.baseUrl, apiKey: adapter.apiKey, retry: { baseDelayMs: 50 } });
  };
  const procuratorate = () => clientOf('procuratorate');
  const civilAffairs = () => clientOf<CivilAffairsMessage>('civil-affairs');
  const education = () => clientOf<EducationMessage>('education');
  /** The problem of a refused call. */
  const refusal = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('expected the call to be refused');
      },
      (error: unknown) => {
        if (!(error instanceof BusApiError)) throw error;
        return error;
      },
    );

  beforeAll(async () => {
    bus = await startBus('flows', { procuratorate: 'webhook', 'civil-affairs': 'webhook', education: 'pull' });
  }, 120_000);

  afterAll(async () => {
    await bus?.stop();
  });

  it('serves at /openapi.json the documents committed under docs/openapi', async () => {
    for (const [code, client] of [['procuratorate', procuratorate()], ['civil-affairs', civilAffairs()], ['education', education()]] as const) {
      const committed = JSON.parse(readFileSync(`docs/openapi/adapter-${code}.json`, 'utf8'));
      expect(await client.openApiDocument()).toEqual(committed);
    }
  });

  it('refers one case to civil-affairs and education at once; both report back; the procuratorate sees both feedbacks', async () => {
    const referral = judicialReferral(['civil-affairs', 'education']);
    const opened = await procuratorate().openJudicialReferral(referral);
    expect(opened.handoffs).toHaveLength(2);
    const toCivil = present(opened.handoffs.find((h) => h.to === 'civil-affairs'), 'a handoff to civil-affairs');
    const toEducation = present(opened.handoffs.find((h) => h.to === 'education'), 'a handoff to education');
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
      const inbox = await education().listInbox();
      expect(inbox.items).toHaveLength(1);
      return inbox.items[0];
    });
    expect(pulled.message).toMatchObject({ referralNo: referral.caseRef, handoffId: toEducation.id, student: { residentId: referral.person.idNumber } });
    // As a unit's own system would, with fetch and no body at all (Content-Length: 0, no type): not a 415.
    const edu = bus.adapter('education');
    const ack = await fetch(`${edu.baseUrl}/inbox/${pulled.messageId}/ack`, { method: 'POST', headers: { authorization: `Bearer ${edu.apiKey}` } });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toEqual({ messageId: pulled.messageId, acknowledged: true });
    expect((await education().listInbox()).items).toHaveLength(0);

    // Each receiver reports the steps of 第二十一条.
    for (const [unit, handoff] of [[civilAffairs(), toCivil], [education(), toEducation]] as const) {
      await eventually(async () => expect((await unit.getHandoff(handoff.id)).currentStep).toBe('received'));
      expect(await unit.reportProcedureStarted(handoff.id, { startedOn: beijingToday() })).toMatchObject({ handoffId: handoff.id, step: 'procedure-started' });
      expect(await unit.reportConcluded(handoff.id, { concludedOn: beijingToday(), outcome: 'assisted', measures: '纳入临时救助' })).toMatchObject({ step: 'concluded' });
      expect(await unit.giveFeedback(handoff.id, { summary: '已发放临时救助金3000元。' })).toMatchObject({ step: 'feedback-given' });
    }

    for (const handoff of [toCivil, toEducation]) {
      const view = await eventually(async () => {
        const read = await procuratorate().getHandoff(handoff.id);
        expect(read.currentStep).toBe('feedback-received');
        return read;
      });
      expect(view.timeline.map((entry) => entry.step)).toEqual(FULL_TIMELINE);
      expect(view.timeline.find((entry) => entry.step === 'concluded')?.details).toMatchObject({ outcome: 'assisted' });
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
    const refused = await refusal(procuratorate().openAdvanceReferral(withoutReason as typeof withoutReason & { reason: string }));
    expect(refused.status).toBe(400);
    expect((refused.problem.problems ?? []).map((p) => p.field)).toContain('reason');
    expect(bus.systems.for('civil-affairs', 'handoff.advance-referral')).toHaveLength(0);

    const accepted = await procuratorate().openAdvanceReferral(advanceReferral(['civil-affairs']));
    expect(accepted.handoffs).toHaveLength(1);
    await eventually(() => {
      const hooks = bus.systems.for('civil-affairs', 'handoff.advance-referral');
      expect(hooks).toHaveLength(1);
      expect((hooks[0].body.bus as { payload: { reason: string } }).payload.reason).toBe('当事人急需生活救助，案件尚在办理中。');
    });
  });

  it('carries a lead from civil-affairs to the procuratorate and its feedback back (第二十条 ¶1, 第二十一条)', async () => {
    const lead = await civilAffairs().openLead(socialLead());
    const [handoff] = lead.handoffs;
    expect(handoff.to).toBe('procuratorate');
    await eventually(() => expect(bus.systems.for('procuratorate', 'handoff.social-lead').some((h) => h.body.handoffId === handoff.id)).toBe(true));
    await eventually(async () => expect((await procuratorate().getHandoff(handoff.id)).currentStep).toBe('received'));

    expect(await procuratorate().reportProcedureStarted(handoff.id, { startedOn: beijingToday() })).toMatchObject({ step: 'procedure-started' });
    const refused = await refusal(procuratorate().reportConcluded(handoff.id, { concludedOn: beijingToday(), outcome: 'refused' }));
    expect(refused.status).toBe(400); // a refusal must cite 第六条
    expect((refused.problem.problems ?? []).map((p) => p.field)).toContain('refusalReasons');
    expect(await procuratorate().reportConcluded(handoff.id, { concludedOn: beijingToday(), outcome: 'refused', refusalReasons: ['already-compensated'] })).toMatchObject({ step: 'concluded' });
    expect(await procuratorate().giveFeedback(handoff.id, { summary: '已通过保险理赔获得赔偿，不予司法救助。' })).toMatchObject({ step: 'feedback-given' });

    const view = await eventually(async () => {
      const read = await civilAffairs().getHandoff(handoff.id);
      expect(read.currentStep).toBe('feedback-received');
      return read;
    });
    expect(view.timeline.map((entry) => entry.step)).toEqual(FULL_TIMELINE);
    await eventually(() => expect(bus.systems.for('civil-affairs', 'handoff.feedback').some((h) => h.body.yjid === handoff.id)).toBe(true));
  });

  it('brings an urgent medical notice to the procuratorate at once, marked urgent (第二十条 ¶2)', async () => {
    const notice = await civilAffairs().openUrgentMedicalNotice(urgentMedicalNotice());
    const [handoff] = notice.handoffs;
    expect(handoff.priority).toBe('urgent');
    const hook = await eventually(() => {
      const found = bus.systems.for('procuratorate', 'handoff.urgent-medical-notice').find((h) => h.body.handoffId === handoff.id);
      if (!found) throw new Error('the urgent medical notice has not reached the procuratorate yet');
      return found;
    });
    expect(hook.body).toMatchObject({ priority: 'urgent', payload: { hospital: '晋江市医院' } });
  });

  it('refuses an urgent notice whose situation is not one of 第二十条 ¶2', async () => {
    const refused = await refusal(civilAffairs().openUrgentMedicalNotice(urgentMedicalNotice({ situation: 'major-property-loss' })));
    expect(refused.status).toBe(400);
    expect((refused.problem.problems ?? []).map((p) => p.field)).toContain('situation');
  });
});
