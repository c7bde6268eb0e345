import pg from 'pg';
import { databaseUrlWithLogin, unitDatabaseLogin } from '#persistence';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedUser } from './support/console-seed.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral } from './support/factories.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';
import { SmtpSink } from './support/smtp-sink.js';

// 第二十二条–第二十三条, with real processes: the office sends a notice to every member
// unit's liaison (an alert per unit: queue, e-mail) and sees who has read it; a unit reads it through
// its adapter or the console and says so; a unit asks for an ad hoc meeting marking a case of its own,
// and the office hears at once (webhook, its inbox); the office files the meeting's minutes and
// decisions under the year, taking the request up; the yearly report shows the marked case and the
// decisions.

const OFFICE_SECRET = 'joint-meeting-office-secret-0123456789';
const EDUCATION_LIAISON = { leaderName: '赵局长', leaderPhone: '13900000011', leaderEmail: 'leader@jy.example', liaisonName: '陈联络', liaisonPhone: '13900000012', liaisonEmail: 'liaison@jy.example' };

interface NoticeCopy {
  agency: string;
  readAt: string | null;
  readBy: string | null;
}

describe('notices, meeting requests and meetings of the joint meeting (第二十二条)', () => {
  let bus: BusFixture;
  let scheduler: SchedulerProcess;
  let consoleApp: ConsoleProcess;
  let smtp: SmtpSink;
  let noticeId: string;
  let markedHandoff: string;
  let requestId: string;
  const year = beijingToday().slice(0, 4);

  beforeAll(async () => {
    smtp = new SmtpSink();
    [bus] = await Promise.all([startBus('meetings', { procuratorate: 'pull', 'civil-affairs': 'pull', education: 'pull' }), smtp.start()]);
    bus.systems.trust('office', OFFICE_SECRET);
    scheduler = new SchedulerProcess({
      databaseUrl: bus.db.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: bus.queuePrefix,
      clock: new TestClock(new Date()),
      officeWebhook: { url: bus.systems.url('office'), secret: OFFICE_SECRET },
      extraEnv: { SMTP_URL: smtp.url, OFFICE_EMAIL: 'office@jj.example', MAIL_FROM: 'bus@jj.example', ALERT_BACKOFF_MS: '100' },
    });
    consoleApp = new ConsoleProcess({ databaseUrl: bus.db.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: bus.queuePrefix });
    await seedUser(bus.db, 'office', 'office-password-1', 'office');
    await seedUser(bus.db, 'civil', 'civil-password-1', 'unit', 'civil-affairs');
    await Promise.all([scheduler.start(), consoleApp.start()]);
    expect((await scheduler.put('/roster/education', EDUCATION_LIAISON)).status).toBe(200);
    // Three adapters, the scheduler and the console start here: more than one app's worth of boot time.
  }, 120_000);

  afterAll(async () => {
    await consoleApp?.stop();
    await scheduler?.stop();
    await smtp?.stop();
    await bus?.stop();
  });

  it('sends the office’s notice to every unit’s liaison, and shows who has read it', async () => {
    const issued = await scheduler.post('/notices', { kind: 'meeting', title: '关于召开联席会议临时会议的通知', body: '请各成员单位分管领导和联络人参加。', meetingOn: '2099-12-10', issuedBy: '联席办张某' });
    expect(issued.status).toBe(201);
    noticeId = issued.body.id;
    expect(issued.body.copies).toHaveLength(13);
    expect(issued.body.copies.every((copy: NoticeCopy) => copy.readAt === null)).toBe(true);

    // Through the alert path: one alert per unit, education's liaison mailed once, the office's system not called.
    const alerts = await bus.db.query<{ id: string; agency: string }>(`SELECT id, agency FROM "Alert" WHERE kind = 'office-notice' AND "dedupeKey" LIKE $1`, [`notice.${noticeId}.%`]);
    expect(alerts).toHaveLength(13);
    const educationAlert = alerts.find((alert) => alert.agency === 'education');
    if (!educationAlert) throw new Error('no notice alert for education');
    const mail = await eventually(() => {
      const mails = smtp.for(educationAlert.id);
      expect(mails).toHaveLength(1);
      return mails[0];
    });
    expect(mail.envelopeTo).toEqual(['liaison@jy.example']);
    expect(mail.text).toContain('关于召开联席会议临时会议的通知');
    expect(mail.text).toContain('2099-12-10');
    await eventually(async () => expect((await bus.db.query(`SELECT 1 FROM "Alert" WHERE kind = 'office-notice' AND "deliveredAt" IS NULL`)).length).toBe(0));
    expect(bus.systems.for('office').filter((hook) => hook.body.kind === 'office-notice')).toHaveLength(0);
    // The office's escalation inbox is not filled with its own notices.
    expect(((await scheduler.get('/escalations')).body as { kind: string }[]).some((alert) => alert.kind === 'office-notice')).toBe(false);

    // Each unit holds its copy, unread.
    for (const unit of ['education', 'civil-affairs'] as const) {
      const unread = await bus.adapter(unit).get('/notices?unread=true');
      expect(unread.status).toBe(200);
      expect(unread.body.map((notice: { id: string }) => notice.id)).toContain(noticeId);
    }

    // Education reads it through its adapter; the first reading is kept.
    const read = await bus.adapter('education').post(`/notices/${noticeId}/read`, { readBy: '教育局联络人陈某' });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: noticeId, readBy: '教育局联络人陈某' });
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await bus.adapter('education').post(`/notices/${noticeId}/read`, { readBy: '别人' });
    expect(again.body).toMatchObject({ readBy: '教育局联络人陈某', readAt: read.body.readAt });
    expect((await bus.adapter('education').get('/notices?unread=true')).body).toEqual([]);
    expect((await bus.adapter('education').post(`/notices/${crypto.randomUUID()}/read`, { readBy: '陈某' })).status).toBe(404);
    expect((await bus.adapter('education').post(`/notices/${noticeId}/read`, {})).status).toBe(400);
    // The reading is in the unit's evidence log.
    expect(await bus.db.query(`SELECT 1 FROM "AuditRecord" WHERE chain = 'education' AND action = 'notice.read'`)).toHaveLength(1);

    // Civil affairs' user reads it in the console (its unit's copy, whatever the form says).
    const civil = await ConsoleClient.signIn(consoleApp.baseUrl, 'civil', 'civil-password-1');
    const unitPage = await (await civil.fetch('/notices')).text();
    expect(unitPage).toContain('关于召开联席会议临时会议的通知');
    const token = await civil.formToken('/notices', `/notices/${noticeId}/read`);
    expect((await civil.postForm(`/notices/${noticeId}/read`, { _csrf: token, agency: 'justice' })).status).toBe(303);

    // The office sees who has read it: education by its system, civil affairs by its console user; the rest not.
    const followed = await scheduler.get(`/notices/${noticeId}`);
    const byUnit = new Map((followed.body.copies as NoticeCopy[]).map((copy) => [copy.agency, copy]));
    expect(byUnit.get('education')).toMatchObject({ readBy: '教育局联络人陈某' });
    expect(byUnit.get('civil-affairs')?.readBy).toContain('civil');
    expect(byUnit.get('justice')?.readAt).toBeNull();
    expect([...byUnit.values()].filter((copy) => copy.readAt)).toHaveLength(2);
    const office = await ConsoleClient.signIn(consoleApp.baseUrl, 'office', 'office-password-1');
    const officePage = await (await office.fetch('/notices')).text();
    expect(officePage).toMatch(/class="read-count">2\/13/);
  });

  it('lets a unit ask for an ad hoc meeting, marking a case of its own; the office hears at once', async () => {
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    markedHandoff = opened.body.handoffs[0].id;
    await eventually(async () => expect((await bus.adapter('education').get(`/handoffs/${markedHandoff}`)).body.currentStep).toBe('received'));

    const ask = { reason: '未成年被害人就学与生活救助需多部门联合研究', handoffIds: [markedHandoff], requestedBy: '教育局联络人陈某' };
    // Not party to the handoff: as if it did not exist.
    expect((await bus.adapter('civil-affairs').post('/meeting-requests', ask)).status).toBe(404);
    const asked = await bus.adapter('education').post('/meeting-requests', ask, { 'idempotency-key': 'ask-1' });
    expect(asked.status).toBe(201);
    requestId = asked.body.id;
    expect(asked.body).toMatchObject({ agency: 'education', handoffIds: [markedHandoff], meetingId: null });
    const replayed = await bus.adapter('education').post('/meeting-requests', ask, { 'idempotency-key': 'ask-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.id).toBe(requestId);
    expect(await bus.db.query(`SELECT 1 FROM "MeetingRequest"`)).toHaveLength(1);

    // The office: its system by signed webhook, its inbox, its list of requests.
    await eventually(() => expect(bus.systems.for('office').filter((hook) => hook.body.kind === 'meeting-requested')).toHaveLength(1));
    const inbox = (await scheduler.get('/escalations')).body as { kind: string; agency: string }[];
    expect(inbox.filter((alert) => alert.kind === 'meeting-requested')).toEqual([expect.objectContaining({ agency: 'education' })]);
    const requests = await scheduler.get(`/meeting-requests?year=${year}`);
    expect(requests.body).toEqual([expect.objectContaining({ id: requestId, agency: 'education', reason: ask.reason, handoffIds: [markedHandoff] })]);
    // Another unit does not see it.
    expect((await bus.adapter('civil-affairs').get('/meeting-requests')).body).toEqual([]);
  });

  it('files the meeting’s minutes and decisions under its year, taking the request up, and the yearly report shows them', async () => {
    const today = beijingToday();
    const meeting = { kind: 'ad-hoc', heldOn: today, title: '联席会议临时会议', minutes: '研究了教育局提请的重点案件。', decisions: ['由民政局牵头开展联合救助', '教育局落实就学资助'], requestIds: [requestId], recordedBy: '联席办张某' };
    expect((await scheduler.post('/meetings', { ...meeting, heldOn: '2999-01-01' })).status).toBe(400);
    const recorded = await scheduler.post('/meetings', meeting);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ year: Number(year), requestsTakenUp: 1, decisions: meeting.decisions });
    const listed = await scheduler.get(`/meetings?year=${year}`);
    expect(listed.body).toEqual([expect.objectContaining({ id: recorded.body.id, title: '联席会议临时会议' })]);
    expect((await scheduler.get(`/meetings?year=${Number(year) - 1}`)).body).toEqual([]);
    // The unit sees its request taken up.
    expect((await bus.adapter('education').get('/meeting-requests')).body).toEqual([expect.objectContaining({ id: requestId, meetingId: recorded.body.id })]);

    const office = await ConsoleClient.signIn(consoleApp.baseUrl, 'office', 'office-password-1');
    const meetingsPage = await (await office.fetch(`/meetings?year=${year}`)).text();
    expect(meetingsPage).toContain('由民政局牵头开展联合救助');
    expect(meetingsPage).toContain('已研究');
    const report = await (await office.fetch(`/report?year=${year}`)).text();
    const [caseRef] = (await bus.db.query<{ caseRef: string }>(`SELECT "caseRef" FROM "Handoff" WHERE id = $1`, [markedHandoff])).map((row) => row.caseRef);
    expect(report).toMatch(new RegExp(`id="report-marked-cases"[\\s\\S]*${caseRef}[\\s\\S]*未成年被害人就学与生活救助`));
    expect(report).toMatch(/id="report-meetings"[\s\S]*教育局落实就学资助/);
    expect(report).toMatch(/本年发出通知 <b>1<\/b> 份，各单位已阅 <b>2<\/b>\/13/);

    // The office files one through the console too (its form, its CSRF token).
    const token = await office.formToken(`/meetings?year=${year}`, '/meetings');
    const posted = await office.postForm('/meetings', { _csrf: token, kind: 'annual', heldOn: today, title: '年度全体会议', minutes: '通报全年工作。', decisions: '表彰先进单位\n明年工作要点' });
    expect(posted.status).toBe(303);
    const annual = (await scheduler.get(`/meetings?year=${year}`)).body.find((m: { kind: string }) => m.kind === 'annual');
    expect(annual).toMatchObject({ decisions: ['表彰先进单位', '明年工作要点'], recordedBy: 'office' });
  });

  it('keeps each unit’s copies and requests to itself and the minutes to the office, in the database itself (row-level security)', async () => {
    const civil = new pg.Client({ connectionString: databaseUrlWithLogin(bus.db.url, unitDatabaseLogin('civil-affairs')) });
    await civil.connect();
    try {
      // Its own copy of each notice, no other unit's; the notice itself because it was sent a copy.
      expect((await civil.query(`SELECT agency FROM "NoticeCopy"`)).rows).toEqual([{ agency: 'civil-affairs' }]);
      expect((await civil.query(`SELECT id FROM "Notice"`)).rows).toEqual([{ id: noticeId }]);
      // Education's request is not there for it, nor can it file one in another's name or mark another's case.
      expect((await civil.query(`SELECT id FROM "MeetingRequest"`)).rows).toEqual([]);
      const asOther = civil.query(`INSERT INTO "MeetingRequest" (id, agency, reason, "handoffIds", "requestedBy", "requestedAt", "alertId") VALUES ($1, 'education', 'x', '{}', 'x', now(), $1)`, [crypto.randomUUID()]);
      await expect(asOther).rejects.toThrow(/row-level security/);
      const markingOthers = civil.query(`INSERT INTO "MeetingRequest" (id, agency, reason, "handoffIds", "requestedBy", "requestedAt", "alertId") VALUES ($1, 'civil-affairs', 'x', $2, 'x', now(), $1)`, [crypto.randomUUID(), [markedHandoff]]);
      await expect(markingOthers).rejects.toThrow(/row-level security/);
      // Marking another unit's copy read changes nothing; the minutes are not readable at all.
      expect((await civil.query(`UPDATE "NoticeCopy" SET "readAt" = now(), "readBy" = 'x' WHERE agency = 'justice'`)).rowCount).toBe(0);
      await expect(civil.query(`SELECT * FROM "Meeting"`)).rejects.toThrow(/permission denied/);
    } finally {
      await civil.end();
    }
  });
});
