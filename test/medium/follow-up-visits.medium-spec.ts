import { plainToInstance } from 'class-transformer';
import { OpenJudicialReferralRequest, OpenSocialLeadRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { NotTheReceiverError, StepOutOfOrderError } from '#handoffs';
import { judicialReferral, socialLead } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';
import { besidesUndeliverableAlerts, type MediumScheduler } from './support/medium-scheduler.js';

/**
 * 第二十五条 跟踪回访: a handoff concluded with help given gives its receiver two visit
 * duties, 3 and 6 calendar months after the stated concludedOn (1 and 3 on the green channel, 第五条);
 * the scheduler reminds the liaison and escalates a missed visit like any overdue duty; the visit,
 * recorded through the adapter, fulfils it (late when after its due day).
 */
describe('follow-up visits (medium: real PostgreSQL, in-process queues, manual clock)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  // Monday 2026-11-23, 10:00 Beijing time
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let youthLeague: MediumAdapter;
  let scheduler: MediumScheduler;
  const all = () => [procuratorate, civilAffairs, youthLeague];

  beforeAll(async () => {
    // The units a visit refers on to without an adapter here: each has its key, as if its adapter had started once.
    bus = await startMediumBus('medium_visits', { units: ['procuratorate', 'civil-affairs', 'youth-league'], scheduler: true, joined: ['womens-federation', 'next-generation'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs, youthLeague] = bus.adapters;
    scheduler = bus.scheduler();
  });

  afterAll(async () => {
    await bus?.close();
  });

  async function concludedWithHelp(priorityGroups: string[], outcome = 'assisted'): Promise<string> {
    clock.set(new Date('2026-11-23T02:00:00Z'));
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { priorityGroups }));
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    const [{ id }] = opened.handoffs;
    await settle(driver, all());
    clock.set(new Date('2026-11-25T02:00:00Z'));
    await civilAffairs.unitOfWork.run(() => civilAffairs.lifecycle.report(id, 'procedure-started', { startedOn: '2026-11-24' }));
    const concluded = outcome === 'assisted' ? { concludedOn: '2026-11-25', outcome, measures: '纳入临时救助' } : { concludedOn: '2026-11-25', outcome, declineReason: 'not-eligible', declineDetails: '收入高于标准' };
    await civilAffairs.unitOfWork.run(() => civilAffairs.lifecycle.report(id, 'concluded', concluded));
    await settle(driver, all());
    return id;
  }

  const visitDuties = (handoffId: string) =>
    db.query<{ rule: string; responsibleAgency: string; dueAt: Date; status: string; late: boolean | null }>(
      `SELECT rule, "responsibleAgency", "dueAt", status, late FROM "Obligation" WHERE "handoffId" = $1 AND rule LIKE 'follow-up-visit-%' ORDER BY rule`,
      [handoffId],
    );

  async function sweepAt(iso: string, handoffId: string): Promise<string[]> {
    clock.set(new Date(iso));
    while ((await scheduler.sweeper.sweepOnce()) > 0);
    await scheduler.alertRelay.publishBatch(100);
    await driver.runUntilIdle();
    const rows = await db.query<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Alert" WHERE "handoffId" = $1 AND "dedupeKey" LIKE '%follow-up-visit-%' ORDER BY "createdAt", "dedupeKey"`, [handoffId]);
    return rows.map((row) => row.dedupeKey.split('.').slice(1).join('.'));
  }

  const visit = (handoffId: string, by: MediumAdapter, visitedOn: string, furtherNeeds?: string[]) =>
    by.unitOfWork.run(() =>
      by.lifecycle.recordFollowUpVisit(handoffId, { visitedOn, visitedBy: '民政局王某', situationAfter: 'improved', furtherNeeds: furtherNeeds as never, note: '生活基本稳定' }),
    );

  it('gives the receiver two visits, 3 and 6 months after concludedOn; reminds, escalates a missed one, and the visit fulfils it', async () => {
    const id = await concludedWithHelp([]);
    expect(await visitDuties(id)).toEqual([
      // 2026-11-25 + 3 months: 2027-02-25, closing at 24:00 Beijing time; + 6 months: 2027-05-25.
      { rule: 'follow-up-visit-1', responsibleAgency: 'civil-affairs', dueAt: new Date('2027-02-25T16:00:00Z'), status: 'open', late: null },
      { rule: 'follow-up-visit-2', responsibleAgency: 'civil-affairs', dueAt: new Date('2027-05-25T16:00:00Z'), status: 'open', late: null },
    ]);
    // Half the allowed time: the liaison is reminded; past the due day: escalated to the office.
    expect(await sweepAt('2027-01-12T01:00:00Z', id)).toEqual(['follow-up-visit-1.reminder-1']);
    // (the second reminder, passed while the escalation is also due, is skipped; the second visit's first reminder is due)
    expect(await sweepAt('2027-02-26T01:00:00Z', id)).toEqual(['follow-up-visit-1.reminder-1', 'follow-up-visit-1.overdue', 'follow-up-visit-2.reminder-1']);

    // The visit, two days late, with a need left: recorded, fulfils the first duty (late), proposes the unit it points to.
    clock.set(new Date('2027-02-27T03:00:00Z'));
    const recorded = await visit(id, civilAffairs, '2027-02-27', ['vocational-training']);
    expect(recorded).toMatchObject({ step: 'follow-up-visit-1', proposedRecipients: [{ unit: 'hrss', articles: ['第十三条'], needs: ['vocational-training'] }] });
    await settle(driver, all());
    expect((await visitDuties(id)).map((duty) => [duty.rule, duty.status, duty.late])).toEqual([
      ['follow-up-visit-1', 'fulfilled', true],
      ['follow-up-visit-2', 'open', null],
    ]);
    // Nothing more for the first; the second comes on time.
    clock.set(new Date('2027-05-20T03:00:00Z'));
    expect((await visit(id, civilAffairs, '2027-05-20')).step).toBe('follow-up-visit-2');
    await settle(driver, all());
    expect((await visitDuties(id)).map((duty) => [duty.rule, duty.status, duty.late])).toEqual([
      ['follow-up-visit-1', 'fulfilled', true],
      ['follow-up-visit-2', 'fulfilled', false],
    ]);
    // A third visit is not a step of the policy; the sender does not visit.
    await expect(visit(id, civilAffairs, '2027-05-21')).rejects.toThrow(StepOutOfOrderError);
    await expect(visit(id, procuratorate, '2027-05-21')).rejects.toThrow(NotTheReceiverError);
    // The step is on the handoff's timeline, the visitor's name encrypted at rest.
    const [row] = await db.query<{ details: Record<string, unknown> }>(`SELECT details FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'follow-up-visit-1'`, [id]);
    expect(row.details).toMatchObject({ visitedOn: '2027-02-27', situationAfter: 'improved' });
    expect(JSON.stringify(row.details)).not.toContain('王某');
    expect(besidesUndeliverableAlerts(driver.deadLetters)).toEqual([]);
  });

  it('visits sooner on the green channel (第五条), and gives no visit to a case concluded without help', async () => {
    const green = await concludedWithHelp(['minor']);
    expect((await visitDuties(green)).map((duty) => [duty.rule, duty.dueAt.toISOString()])).toEqual([
      ['follow-up-visit-1', '2026-12-25T16:00:00.000Z'],
      ['follow-up-visit-2', '2027-02-25T16:00:00.000Z'],
    ]);
    const refused = await concludedWithHelp([], 'refused');
    expect(await visitDuties(refused)).toEqual([]);
  });

  /** A lead from civil affairs the procuratorate received, started and concluded with help (第二十条 ¶1, 第二十一条). */
  async function leadConcludedByProcuratorate(priorityGroups: string[]): Promise<string> {
    clock.set(new Date('2026-11-23T02:00:00Z'));
    const request = plainToInstance(OpenSocialLeadRequest, socialLead({ priorityGroups, discoveredOn: '2026-11-23' }));
    const opened = await civilAffairs.unitOfWork.run(() => civilAffairs.opening.open('social-lead', request));
    const [{ id }] = opened.handoffs;
    await settle(driver, all());
    clock.set(new Date('2026-11-25T02:00:00Z'));
    await procuratorate.unitOfWork.run(() => procuratorate.lifecycle.report(id, 'procedure-started', { startedOn: '2026-11-24' }));
    await procuratorate.unitOfWork.run(() =>
      procuratorate.lifecycle.report(id, 'concluded', { concludedOn: '2026-11-25', outcome: 'assisted', measures: '国家司法救助' }),
    );
    await settle(driver, all());
    return id;
  }

  const record = (handoffId: string, by: MediumAdapter, payload: Record<string, unknown>) =>
    by.unitOfWork.run(() => by.lifecycle.recordFollowUpVisit(handoffId, payload as never));

  const ARTICLE_17 = ['youth-league', 'womens-federation', 'next-generation'];

  it('第二十五条 → 第十七条: a visit to a minor who still needs counselling proposes the three people’s organisations; for an adult the need points nowhere', async () => {
    const minor = await concludedWithHelp(['minor']);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const visited = await record(minor, civilAffairs, { visitedOn: '2026-12-10', visitedBy: '民政局王某', situationAfter: 'unchanged', furtherNeeds: ['psychological-counselling'] });
    const proposed = visited.proposedRecipients as { unit: string; articles: string[]; needs: string[] }[];
    expect(proposed.map((recipient) => recipient.unit)).toEqual(ARTICLE_17);
    for (const recipient of proposed) expect(recipient).toMatchObject({ articles: ['第十七条第一款'], needs: ['psychological-counselling'] });

    // 第十七条 is for minors, women and elders: an adult man's counselling need points to no unit.
    const adult = await concludedWithHelp([]);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const other = await record(adult, civilAffairs, { visitedOn: '2026-12-10', visitedBy: '民政局王某', situationAfter: 'unchanged', furtherNeeds: ['psychological-counselling'] });
    expect(other.proposedRecipients).toEqual([]);
  });

  it('第二十五条 → 第十七条: an elder (五老人) the youth league helped, visited and still needing legal help, is proposed to the three organisations', async () => {
    clock.set(new Date('2026-11-23T02:00:00Z'));
    const request = plainToInstance(
      OpenJudicialReferralRequest,
      judicialReferral(['youth-league'], { priorityGroups: [], elder: true, needs: ['psychological-counselling'] }),
    );
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    const [{ id }] = opened.handoffs;
    await settle(driver, all());
    clock.set(new Date('2026-11-25T02:00:00Z'));
    await youthLeague.unitOfWork.run(() => youthLeague.lifecycle.report(id, 'procedure-started', { startedOn: '2026-11-24' }));
    await youthLeague.unitOfWork.run(() =>
      youthLeague.lifecycle.report(id, 'concluded', { concludedOn: '2026-11-25', outcome: 'assisted', measures: '心理疏导' }),
    );
    await settle(driver, all());
    clock.set(new Date('2027-02-20T03:00:00Z'));
    const visited = await record(id, youthLeague, { visitedOn: '2027-02-20', visitedBy: '团市委林某', situationAfter: 'improved', furtherNeeds: ['legal-help'] });
    expect((visited.proposedRecipients as { unit: string }[]).map((recipient) => recipient.unit)).toEqual(ARTICLE_17);
  });

  it('第二十五条 → 第十九条 / 第十七条: the procuratorate’s visit to a minor opens its referral to the three organisations in the same call', async () => {
    const lead = await leadConcludedByProcuratorate(['minor']);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const followOn = {
      caseRef: '晋检回访〔2026〕17号',
      findings: '回访发现未成年被害人仍有心理创伤',
      suggestion: '建议开展心理疏导',
      applicantStatement: '监护人申请心理疏导',
      caseMaterials: [{ title: '回访记录' }],
    };
    const visited = await record(lead, procuratorate, {
      visitedOn: '2026-12-10',
      visitedBy: '检察官赵某',
      situationAfter: 'unchanged',
      furtherNeeds: ['psychological-counselling'],
      followOn,
    });
    const opened = visited.followOn as { caseRef: string; handoffs: { kind: string; to: string }[] };
    expect(opened.caseRef).toBe(followOn.caseRef);
    expect(opened.handoffs.map((handoff) => [handoff.kind, handoff.to])).toEqual(ARTICLE_17.map((unit) => ['judicial-referral', unit]));
    const stored = await db.query<{ toAgency: string; priority: string }>(`SELECT "toAgency", priority FROM "Handoff" WHERE "caseRef" = $1 ORDER BY "toAgency"`, [followOn.caseRef]);
    expect(stored).toEqual([...ARTICLE_17].sort().map((toAgency) => ({ toAgency, priority: 'green-channel' })));
  });

  it('第二十五条 → 第二十条 ¶1: the visit’s own note stays with the visiting unit; only followOn.noteForRecipient is forwarded, and the answer shows what was', async () => {
    const withoutNote = await concludedWithHelp([]);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const own = '邻居反映当事人另有债务纠纷，暂不宜告知他人';
    const first = await record(withoutNote, civilAffairs, {
      visitedOn: '2026-12-10',
      visitedBy: '民政局王某',
      situationAfter: 'worse',
      furtherNeeds: ['legal-aid'],
      note: own,
      followOn: { caseRef: '晋民回访〔2026〕21号' },
    });
    const firstLead = first.followOn as { handoffs: { id: string }[]; forwarded: { summary: string } };
    await settle(driver, all());
    const readByProcuratorate = async (leadId: string) => (await procuratorate.agency.store.handoffs.findVisible(leadId)).details as { summary: string };
    const firstSummary = (await readByProcuratorate(firstLead.handoffs[0].id)).summary;
    expect(firstSummary).toBe(`2026-12-10跟踪回访（原案件${(await civilAffairs.agency.store.handoffs.findVisible(withoutNote)).caseRef}）发现当事人仍需：法律援助。`);
    expect(firstSummary).not.toContain(own);
    expect(firstLead.forwarded).toEqual({ summary: firstSummary });

    const withNote = await concludedWithHelp([]);
    clock.set(new Date('2026-12-11T03:00:00Z'));
    const forwarded = '当事人同意移送，请检察院联系其本人';
    const second = await record(withNote, civilAffairs, {
      visitedOn: '2026-12-11',
      visitedBy: '民政局王某',
      situationAfter: 'worse',
      furtherNeeds: ['legal-aid'],
      note: own,
      followOn: { caseRef: '晋民回访〔2026〕22号', noteForRecipient: forwarded },
    });
    const secondLead = second.followOn as { handoffs: { id: string }[]; forwarded: { summary: string } };
    await settle(driver, all());
    const secondSummary = (await readByProcuratorate(secondLead.handoffs[0].id)).summary;
    expect(secondSummary.endsWith(`发现当事人仍需：法律援助。${forwarded}`)).toBe(true);
    expect(secondSummary).not.toContain(own);
    expect(secondLead.forwarded).toEqual({ summary: secondSummary });
    // The visit's note stays on the visit, in the visiting unit's record.
    const visit = (await civilAffairs.agency.store.handoffs.findVisible(withNote)).steps.find((step) => step.step === 'follow-up-visit-1');
    expect(visit?.details).toMatchObject({ note: own });
    expect(JSON.stringify(visit?.details)).not.toContain(forwarded);
  });

  it('refuses, and records nothing, a followOn text the new handoff would not carry: a note on the procuratorate’s referral, a referral’s text on a lead', async () => {
    const lead = await leadConcludedByProcuratorate(['minor']);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    const referral = { caseRef: '晋检回访〔2026〕18号', findings: '回访发现', suggestion: '建议心理疏导', applicantStatement: '监护人申请', caseMaterials: [{ title: '回访记录' }] };
    const visit = { visitedOn: '2026-12-10', visitedBy: '检察官赵某', situationAfter: 'unchanged', furtherNeeds: ['psychological-counselling'] };
    await expect(record(lead, procuratorate, { ...visit, followOn: { ...referral, noteForRecipient: '请联系监护人' } })).rejects.toMatchObject({
      name: 'FollowOnRefusedError',
      problems: [expect.objectContaining({ field: 'followOn.noteForRecipient' })],
    });
    const referred = await concludedWithHelp([]);
    clock.set(new Date('2026-12-10T03:00:00Z'));
    await expect(
      record(referred, civilAffairs, { ...visit, visitedBy: '民政局王某', furtherNeeds: ['legal-aid'], followOn: { caseRef: '晋民回访〔2026〕23号', findings: '回访发现' } }),
    ).rejects.toMatchObject({ name: 'FollowOnRefusedError', problems: [expect.objectContaining({ field: 'followOn.findings' })] });
    const steps = await db.query<{ step: string }>(`SELECT step FROM "HandoffStep" WHERE "handoffId" = ANY($1::uuid[]) AND step::text LIKE 'follow-up-visit-%'`, [[lead, referred]]);
    expect(steps).toEqual([]);
  });
});
