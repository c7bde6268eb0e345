import ExcelJS from 'exceljs';
import { beijingDateOf } from '#calendar';
import type { UnitCode } from '#contracts';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedUser } from './support/console-seed.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral, person } from './support/factories.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';

// 第二十五条 台账: one person across three units, with real processes. Each unit
// records its measures through its adapter; each sees its own part in full and, for a referral it
// shares, the other units' steps and dates only (第八条); the office sees every unit's part and no
// citizen field; a unit exports its ledger as CSV and XLSX with Chinese headers.

interface LedgerHandoff {
  handoffId: string;
  from: string;
  to: string;
  steps: { step: string }[];
  measures: { agency: string; kind: string; amountFen: number | null; note?: string }[];
}
interface PersonLedger {
  person: { name?: string; idNumber?: string } | null;
  own: LedgerHandoff[];
  shared: LedgerHandoff[];
}

describe('the ledger of a person across units (第二十五条 台账)', () => {
  let bus: BusFixture;
  let scheduler: SchedulerProcess;
  let consoleApp: ConsoleProcess;
  const citizen = person({ name: '陈某某' });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    bus = await startBus('ledger', { procuratorate: 'pull', 'civil-affairs': 'pull', education: 'pull', justice: 'pull' });
    scheduler = new SchedulerProcess({ databaseUrl: bus.db.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: bus.queuePrefix, clock: new TestClock(new Date()) });
    await seedUser(bus.db, 'office', 'office-password-1', 'office');
    await seedUser(bus.db, 'civil', 'civil-affairs-password-1', 'unit', 'civil-affairs');
    consoleApp = new ConsoleProcess({ databaseUrl: bus.db.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: bus.queuePrefix });
    await Promise.all([scheduler.start(), consoleApp.start()]);
    // One referral to civil affairs and education (a shared case), and a later one to justice alone.
    const first = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs', 'education'], { person: citizen }));
    expect(first.status).toBe(201);
    for (const handoff of first.body.handoffs as { id: string; to: string }[]) ids[handoff.to] = handoff.id;
    const second = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['justice'], { person: citizen }));
    ids.justice = (second.body.handoffs as { id: string }[])[0].id;
    for (const unit of ['civil-affairs', 'education', 'justice'] as const) {
      await eventually(async () => expect((await bus.adapter(unit).get(`/handoffs/${ids[unit]}`)).body.currentStep).toBe('received'));
    }
    // Four adapters and the scheduler start here: more than one app's worth of boot time.
  }, 120_000);

  afterAll(async () => {
    await consoleApp?.stop();
    await scheduler?.stop();
    await bus?.stop();
  });

  const today = beijingToday();

  it('records a unit’s measure once per Idempotency-Key, for its own duties only, dated sensibly', async () => {
    const allowance = { kind: 'living-allowance', status: 'granted', decidedOn: today, amountFen: 98_000, note: '按月发放，家庭人均收入低于标准' };
    const recorded = await bus.adapter('civil-affairs').post(`/handoffs/${ids['civil-affairs']}/measures`, allowance, { 'idempotency-key': 'measure-1' });
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ agency: 'civil-affairs', kind: 'living-allowance', amountFen: 98_000, note: allowance.note });
    const again = await bus.adapter('civil-affairs').post(`/handoffs/${ids['civil-affairs']}/measures`, allowance, { 'idempotency-key': 'measure-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(recorded.body.id);
    // Legal aid is justice's duty (第十二条), not civil affairs'.
    const notItsDuty = await bus.adapter('civil-affairs').post(`/handoffs/${ids['civil-affairs']}/measures`, { kind: 'legal-aid', status: 'granted', decidedOn: today });
    expect(notItsDuty.status).toBe(400);
    expect(notItsDuty.body.problems).toEqual([{ field: 'kind', message: expect.stringContaining('legal-aid is not a duty of civil-affairs') }]);
    const future = await bus.adapter('civil-affairs').post(`/handoffs/${ids['civil-affairs']}/measures`, { kind: 'temporary-assistance', status: 'granted', decidedOn: '2999-01-01' });
    expect(future.status).toBe(400);
    // Not a party to the handoff: 404, as if it did not exist (row-level security hides it).
    expect((await bus.adapter('education').post(`/handoffs/${ids['civil-affairs']}/measures`, { kind: 'student-aid', status: 'granted', decidedOn: today })).status).toBe(404);
    // Judicial assistance states its amount; paid in three instalments.
    expect((await bus.adapter('procuratorate').post(`/handoffs/${ids.justice}/measures`, { kind: 'judicial-assistance', status: 'granted', decidedOn: today })).status).toBe(400);
    const paid = await bus.adapter('procuratorate').post(`/handoffs/${ids.justice}/measures`, { kind: 'judicial-assistance', status: 'granted', decidedOn: today, amountFen: 3_000_000, instalments: 3 });
    expect(paid.status).toBe(201);
    expect((await bus.adapter('education').post(`/handoffs/${ids.education}/measures`, { kind: 'student-aid', status: 'granted', decidedOn: today, amountFen: 150_000, note: '国家助学金' })).status).toBe(201);
    expect((await bus.adapter('justice').post(`/handoffs/${ids.justice}/measures`, { kind: 'legal-aid', status: 'completed', decidedOn: today, note: '指派律师代理民事赔偿' })).status).toBe(201);
    const listed = await bus.adapter('civil-affairs').get(`/handoffs/${ids['civil-affairs']}/measures`);
    expect(listed.body).toHaveLength(1);
  });

  it('shows each unit its own part in full and, for the referral it shares, the others’ steps only; a unit not serving the person learns nothing', async () => {
    const ledgerOf = async (unit: UnitCode) => (await bus.adapter(unit).post('/ledger/person', { idNumber: citizen.idNumber })) as { status: number; body: PersonLedger };

    const civil = await ledgerOf('civil-affairs');
    expect(civil.status).toBe(200);
    expect(civil.body.person).toMatchObject({ name: '陈某某', idNumber: citizen.idNumber });
    expect(civil.body.own.map((h) => h.handoffId)).toEqual([ids['civil-affairs']]);
    expect(civil.body.own[0].measures).toEqual([expect.objectContaining({ agency: 'civil-affairs', kind: 'living-allowance', note: '按月发放，家庭人均收入低于标准' })]);
    // Education's handoff of the same referral: its steps, not its measures; justice's (another referral): nothing.
    expect(civil.body.shared.map((h) => [h.to, h.measures.length])).toEqual([['education', 0]]);
    expect(civil.body.shared[0].steps.map((s) => s.step)).toEqual(expect.arrayContaining(['sent', 'received']));
    expect(JSON.stringify(civil.body)).not.toContain('国家助学金');

    // 第八条 over HTTP, under the units' own database logins: the same referral's progress, other units' rows included.
    const progress = await bus.adapter('education').get(`/handoffs/${ids.education}/case`);
    expect(progress.status).toBe(200);
    expect((progress.body as { participants: { to: string }[] }).participants.map((h) => h.to)).toEqual(['civil-affairs', 'education']);

    const education = await ledgerOf('education');
    expect(education.body.own.map((h) => h.to)).toEqual(['education']);
    expect(education.body.shared.map((h) => h.to)).toEqual(['civil-affairs']);
    expect(JSON.stringify(education.body)).not.toContain('按月发放');

    // The procuratorate sent all three: its own part is the three handoffs and its own measure only.
    const procuratorate = await ledgerOf('procuratorate');
    expect(procuratorate.body.own.map((h) => h.to).sort()).toEqual(['civil-affairs', 'education', 'justice']);
    expect(procuratorate.body.own.flatMap((h) => h.measures.map((m) => m.kind))).toEqual(['judicial-assistance']);

    // Someone education has never served: 404, whether or not another unit has.
    const stranger = person();
    await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['justice'], { person: stranger }));
    expect((await bus.adapter('education').post('/ledger/person', { idNumber: stranger.idNumber })).status).toBe(404);
    // The ID number is validated and travels in the body only.
    expect((await bus.adapter('education').post('/ledger/person', { idNumber: '123' })).status).toBe(400);
  });

  it('on a unit’s ledger page in the console, says another unit’s measures are not shown to it rather than showing none', async () => {
    const cellsOf = (page: string, handoffId: string) => {
      const row = new RegExp(`<tr data-handoff="${handoffId}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
      return [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    };
    const civil = await ConsoleClient.signIn(consoleApp.baseUrl, 'civil', 'civil-affairs-password-1');
    const response = await civil.fetch(`/ledger/${ids['civil-affairs']}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    // Its own handoff: its own measure, and a word that the other party's are not shown.
    expect(cellsOf(page, ids['civil-affairs'])[3]).toBe(`晋江市民政局：最低生活保障（已批准，${today}，980.00 元） 其他单位的措施不向本单位显示`);
    // Education's handoff of the same referral: steps only; its measure (student aid) is not shown, and the cell says so.
    const education = cellsOf(page, ids.education);
    expect(education[2]).toContain('已接收');
    expect(education[3]).toBe('不向本单位显示');
    expect(page).not.toContain('国家助学金');
    expect(page).not.toContain('学生资助');
    // The office sees every unit's measures on the same page.
    const office = await ConsoleClient.signIn(consoleApp.baseUrl, 'office', 'office-password-1');
    const officePage = await (await office.fetch(`/ledger/${ids['civil-affairs']}`)).text();
    expect(cellsOf(officePage, ids.education)[3]).toMatch(/^晋江市教育局：/);
    expect(officePage).not.toContain('不向本单位显示');
  });

  it('shows the office every unit’s part — handoffs, steps, measures, amounts — and no citizen field', async () => {
    const office = await scheduler.get(`/ledger/handoffs/${ids.education}`);
    expect(office.status).toBe(200);
    const handoffs = office.body.handoffs as LedgerHandoff[];
    expect(handoffs.map((h) => h.to).sort()).toEqual(['civil-affairs', 'education', 'justice']);
    expect(handoffs.flatMap((h) => h.measures.map((m) => `${m.agency}:${m.kind}:${m.amountFen ?? ''}`)).sort()).toEqual([
      'civil-affairs:living-allowance:98000',
      'education:student-aid:150000',
      'justice:legal-aid:',
      'procuratorate:judicial-assistance:3000000',
    ]);
    const text = JSON.stringify(office.body);
    for (const secret of ['陈某某', citizen.idNumber, citizen.phone, '按月发放', '国家助学金']) expect(text).not.toContain(secret);
    expect((await scheduler.get('/ledger/handoffs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('records a follow-up visit (第二十五条 回访) over HTTP, which fulfils the visit duty the scheduler gave the unit', async () => {
    const civil = bus.adapter('civil-affairs');
    const id = ids['civil-affairs'];
    expect((await civil.post(`/handoffs/${id}/procedure-started`, { startedOn: today })).status).toBe(201);
    expect((await civil.post(`/handoffs/${id}/concluded`, { concludedOn: today, outcome: 'assisted', measures: '纳入低保' })).status).toBe(201);
    type Duty = { rule: string; status: string };
    const visitDuties = async () => ((await scheduler.get(`/obligations?handoffId=${id}`)).body as Duty[]).filter((duty) => duty.rule.startsWith('follow-up-visit'));
    await eventually(async () => expect((await visitDuties()).map((d) => d.rule).sort()).toEqual(['follow-up-visit-1', 'follow-up-visit-2']));
    const visited = await civil.post(`/handoffs/${id}/follow-up-visits`, { visitedOn: today, visitedBy: '民政局王某', situationAfter: 'unchanged', furtherNeeds: ['legal-aid'] });
    expect(visited.status).toBe(201);
    expect(visited.body).toMatchObject({ step: 'follow-up-visit-1', proposedRecipients: [{ unit: 'justice', articles: ['第十二条'] }] });
    await eventually(async () => expect((await visitDuties()).find((d) => d.rule === 'follow-up-visit-1')?.status).toBe('fulfilled'));
    // The sender does not visit; a field that is not a situation is refused.
    expect((await bus.adapter('procuratorate').post(`/handoffs/${id}/follow-up-visits`, { visitedOn: today, visitedBy: 'x', situationAfter: 'improved' })).status).toBe(403); // a party, not the receiver
    expect((await civil.post(`/handoffs/${id}/follow-up-visits`, { visitedOn: today, visitedBy: 'x', situationAfter: 'fine' })).status).toBe(400);
  });

  it('opens the next handoff from a visit in one step: a department’s lead to the procuratorate, the procuratorate’s referral onward', async () => {
    const education = bus.adapter('education');
    const id = ids.education;
    expect((await education.post(`/handoffs/${id}/procedure-started`, { startedOn: today })).status).toBe(201);
    expect((await education.post(`/handoffs/${id}/concluded`, { concludedOn: today, outcome: 'assisted', measures: '发放国家助学金' })).status).toBe(201);
    const visit = { visitedOn: today, visitedBy: '教育局刘某', situationAfter: 'worse', furtherNeeds: ['living-allowance'], note: '家庭收入再度中断' };
    // Refused as stated: nothing is recorded, not even the visit (one unit of work).
    const refused = await education.post(`/handoffs/${id}/follow-up-visits`, { ...visit, followOn: { caseRef: '<script>' } });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([expect.objectContaining({ field: 'followOn.caseRef' })]);
    expect((await education.post(`/handoffs/${id}/follow-up-visits`, { ...visit, furtherNeeds: [], followOn: { caseRef: '晋教回访〔2026〕1号' } })).status).toBe(400);
    // What is forwarded is explicit: a note for the procuratorate in its own field, validated like any text.
    const overlong = await education.post(`/handoffs/${id}/follow-up-visits`, { ...visit, followOn: { caseRef: '晋教回访〔2026〕1号', noteForRecipient: '长'.repeat(2001) } });
    expect(overlong.status).toBe(400);
    expect(overlong.body.problems).toEqual([expect.objectContaining({ field: 'followOn.noteForRecipient' })]);
    const forProcuratorate = '当事人同意移送，请检察院联系其本人';
    const visited = await education.post(`/handoffs/${id}/follow-up-visits`, { ...visit, followOn: { caseRef: '晋教回访〔2026〕1号', noteForRecipient: forProcuratorate } });
    expect(visited.status).toBe(201);
    expect(visited.body).toMatchObject({ step: 'follow-up-visit-1', followOn: { caseRef: '晋教回访〔2026〕1号', handoffs: [{ kind: 'social-lead', to: 'procuratorate' }] } });
    const leadId: string = visited.body.followOn.handoffs[0].id;
    // The procuratorate receives the lead: the same person, the needs the visit found, the note written for it — not the visit's own note.
    const procuratorate = bus.adapter('procuratorate');
    const lead = await eventually(async () => {
      const found = await procuratorate.get(`/handoffs/${leadId}`);
      expect(found.body.currentStep).toBe('received');
      return found.body as { details: { person: { name: string; idNumber: string }; summary: string } };
    });
    expect(lead.details.person).toMatchObject({ name: citizen.name, idNumber: citizen.idNumber });
    expect(lead.details.summary).toContain('最低生活保障');
    expect(lead.details.summary).toContain(forProcuratorate);
    expect(lead.details.summary).not.toContain(visit.note);
    // The visitor's answer shows exactly what the procuratorate reads.
    expect(visited.body.followOn.forwarded).toEqual({ summary: lead.details.summary });

    // The procuratorate helps, visits, and refers the person to the unit the need it found points to (第十二条 legal aid → justice).
    expect((await procuratorate.post(`/handoffs/${leadId}/procedure-started`, { startedOn: today })).status).toBe(201);
    expect((await procuratorate.post(`/handoffs/${leadId}/concluded`, { concludedOn: today, outcome: 'assisted', measures: '国家司法救助' })).status).toBe(201);
    const referral = {
      caseRef: '晋检回访〔2026〕1号',
      findings: '回访发现当事人需法律援助追索赔偿',
      suggestion: '建议提供法律援助',
      applicantStatement: '本人申请法律援助',
      caseMaterials: [{ title: '回访记录' }],
    };
    const onward = await procuratorate.post(`/handoffs/${leadId}/follow-up-visits`, { visitedOn: today, visitedBy: '检察官赵某', situationAfter: 'unchanged', furtherNeeds: ['legal-aid'], followOn: referral });
    expect(onward.status).toBe(201);
    expect(onward.body.followOn.handoffs).toEqual([expect.objectContaining({ kind: 'judicial-referral', to: 'justice' })]);
    await eventually(async () => expect((await bus.adapter('justice').get(`/handoffs/${onward.body.followOn.handoffs[0].id}`)).body.currentStep).toBe('received'));
    // The person's ledger shows the chain: referral, visit, lead, visit, referral.
    const ledger = (await procuratorate.post('/ledger/person', { idNumber: citizen.idNumber })).body as PersonLedger;
    expect(ledger.own.map((h) => h.handoffId)).toEqual(expect.arrayContaining([leadId, onward.body.followOn.handoffs[0].id]));
  });

  it('exports the unit’s ledger as CSV and as XLSX with Chinese headers, the ID number’s birth date hidden', async () => {
    const adapter = bus.adapter('civil-affairs');
    const fetchExport = (format: string) =>
      fetch(`${adapter.baseUrl}/ledger/export?from=${today}&to=2999-01-01&format=${format}`, { headers: { authorization: `Bearer ${adapter.apiKey}` } });
    const csv = await fetchExport('csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A BOM first, so spreadsheet programs read the Chinese as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '案件编号,移送类型,移送单位,接收单位,姓名,公民身份号码,移送日期,接收日期,启动日期,办结日期,反馈日期,回访次数,最近回访日期,回访后情况,下次回访期限,当前环节,救助措施,救助金额（元）,是否归档',
    );
    expect(text).toContain('陈某某');
    expect(text).toContain(`${citizen.idNumber.slice(0, 6)}********${citizen.idNumber.slice(14)}`);
    expect(text).not.toContain(citizen.idNumber);

    const xlsx = await fetchExport('xlsx');
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('台账');
    if (!sheet) throw new Error('the workbook has no sheet 台账');
    const header = sheet.getRow(1).values as unknown[];
    expect(header).toEqual([undefined, ...text.split('\r\n')[0].split(',')]);
    expect(sheet.rowCount).toBe(2);
    const row = sheet.getRow(2);
    const cell = (name: string) => row.getCell(header.indexOf(name)).value;
    expect(cell('接收单位')).toBe('晋江市民政局');
    expect(cell('姓名')).toBe('陈某某');
    expect(cell('救助措施')).toBe(`最低生活保障（已批准，${today}，980.00元）`);
    expect(cell('救助金额（元）')).toBe('980.00');
    expect(cell('是否归档')).toBe('否');
    // 第二十五条: the visit recorded above — its count, day and situation; the status says the person was visited,
    // and the next visit's deadline is the day the scheduler's open visit duty ends with.
    const secondVisit = ((await scheduler.get(`/obligations?handoffId=${ids['civil-affairs']}`)).body as { rule: string; status: string; dueAt: string }[]).find(
      (duty) => duty.rule === 'follow-up-visit-2',
    );
    expect(secondVisit?.status).toBe('open');
    const lastDay = beijingDateOf(new Date(new Date(secondVisit?.dueAt ?? 0).getTime() - 1));
    expect([cell('回访次数'), cell('最近回访日期'), cell('回访后情况'), cell('下次回访期限'), cell('当前环节')]).toEqual([1, today, '无变化', `${lastDay} 当日`, `已回访 1 次（${today}）`]);
    expect(text).toContain(`,1,${today},无变化,${lastDay} 当日,已回访 1 次（${today}）,`);

    expect((await fetch(`${adapter.baseUrl}/ledger/export?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${adapter.apiKey}` } })).status).toBe(400);
    // The export is a read of every person in it: the evidence log says so.
    const evidence = await bus.db.query<{ action: string }>(`SELECT action FROM "AuditRecord" WHERE chain = 'civil-affairs' AND action = 'ledger.exported'`);
    expect(evidence).toHaveLength(2);
  });
});
