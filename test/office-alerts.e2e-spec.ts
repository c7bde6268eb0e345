import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { judicialReferral, person } from './support/factories.js';
import { afterSweeps } from './support/quiescence.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';
import { type ReceivedMail, SmtpSink } from './support/smtp-sink.js';

// The office's channels end to end: the scheduler as its own process sends each alert by a signed
// webhook to the office's system and by e-mail through a real SMTP server in this process. Each
// recipient hears exactly once per alert, a failing office system is retried without mailing
// twice, and no citizen ever appears in what is sent.

interface ObligationView {
  id: string;
  rule: string;
  status: string;
  dueAt: string;
  nextLevel: string | null;
  nextActionAt: string | null;
}
interface AlertRow {
  id: string;
  dedupeKey: string;
  kind: string;
  level: string;
  agency: string | null;
  handoffId: string | null;
  summary: string;
  webhookDeliveredAt: Date | null;
  emailSentAt: Date | null;
}

const RULE = 'procedure-started-after-receipt';
const OFFICE_SECRET = 'office-alerts-secret-0123456789';
const OFFICE_EMAIL = 'office@jj.example';
const MAIL_FROM = 'alerts@bus.jj.example';
const ROSTER = {
  leaderName: '王局长', leaderPhone: '13900000001', leaderEmail: 'leader@mz.example',
  liaisonName: '李联络', liaisonPhone: '13900000002', liaisonEmail: 'liaison@mz.example',
};
/** `ms` past an instant the API gave; none (an obligation with no alert left) fails the test. */
function after(iso: string | null, ms: number): Date {
  if (iso === null) throw new Error('expected an instant, got null');
  return new Date(new Date(iso).getTime() + ms);
}
const sorted = (items: string[]) => [...items].sort();

describe('alerts reach the office by webhook and everyone concerned by e-mail', () => {
  let bus: BusFixture;
  let clock: TestClock;
  let scheduler: SchedulerProcess;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = new SmtpSink();
    [bus] = await Promise.all([startBus('alerts', { procuratorate: 'pull', 'civil-affairs': 'pull' }), smtp.start()]);
    clock = new TestClock(new Date());
    bus.systems.trust('office', OFFICE_SECRET);
    scheduler = new SchedulerProcess({
      databaseUrl: bus.db.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: bus.queuePrefix,
      clock,
      officeWebhook: { url: bus.systems.url('office'), secret: OFFICE_SECRET },
      extraEnv: {
        SMTP_URL: smtp.url,
        OFFICE_EMAIL,
        MAIL_FROM: `司法救助衔接平台 <${MAIL_FROM}>`,
        ALERT_RETRY_WINDOW_SECONDS: '3600',
        ALERT_BACKOFF_MS: '100',
      },
    });
    await scheduler.start();
    const roster = await scheduler.put('/roster/civil-affairs', ROSTER);
    expect(roster.status).toBe(200);
    // The first roster is itself a change the office hears of: let it go out before the cases count.
    await eventually(async () => {
      const [first] = await bus.db.query<AlertRow>(`SELECT * FROM "Alert" WHERE kind = 'roster-changed'`);
      expect(first?.webhookDeliveredAt).not.toBeNull();
      expect(first?.emailSentAt).not.toBeNull();
    });
  });

  afterAll(async () => {
    await scheduler?.stop();
    await smtp?.stop();
    await bus?.stop();
  });

  /** Refers a case (with a citizen in it) to civil-affairs and waits for the scheduler's receipt obligation. */
  async function receivedHandoff() {
    const citizen = person({ name: '郑秀兰' });
    const referral = judicialReferral(['civil-affairs'], { priorityGroups: [], person: citizen });
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', referral);
    expect(opened.status).toBe(201);
    const handoffId: string = opened.body.handoffs[0].id;
    const obligation = await eventually(async () => {
      const found = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === RULE);
      expect(found).toBeDefined();
      return found as ObligationView;
    });
    return { handoffId, obligation, caseRef: referral.caseRef, citizen: citizen as { name: string; idNumber: string } };
  }

  const alertsFor = (handoffId: string) =>
    bus.db.query<AlertRow>(`SELECT * FROM "Alert" WHERE "handoffId" = $1 ORDER BY "createdAt"`, [handoffId]);
  const alertAt = async (handoffId: string, level: string) => {
    const found = (await alertsFor(handoffId)).filter((a) => a.level === level);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const officeHooksFor = (handoffId: string) => bus.systems.for('office').filter((hook) => hook.body.handoffId === handoffId);
  const officeHooksOf = (alertId: string) => bus.systems.for('office').filter((hook) => hook.body.id === alertId);
  const nextActionAt = async (handoffId: string) =>
    (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === RULE).nextActionAt as string;

  /** Waits for the alert's one e-mail, and checks it carries the case but no citizen. */
  async function theMailOf(alert: AlertRow, caseRef: string, citizen: { name: string; idNumber: string }): Promise<ReceivedMail> {
    const mail = await eventually(() => {
      const mails = smtp.for(alert.id);
      expect(mails).toHaveLength(1);
      return mails[0];
    });
    expect(mail.envelopeFrom).toBe(MAIL_FROM);
    expect(mail.text).toContain('晋江市民政局');
    expect(mail.text).toContain(caseRef);
    expect(mail.text).toContain(alert.dedupeKey);
    for (const secret of [citizen.name, citizen.idNumber]) {
      expect(mail.subject).not.toContain(secret);
      expect(mail.text).not.toContain(secret);
      expect(mail.raw).not.toContain(secret);
    }
    return mail;
  }

  it('mails a reminder to the liaison only, an escalation to the liaison and the office, then to the leader too — once each', async () => {
    const { handoffId, obligation, caseRef, citizen } = await receivedHandoff();
    expect(obligation).toMatchObject({ status: 'open', nextLevel: 'reminder-1' });

    // Reminder: the liaison's mailbox, nothing to the office's system.
    clock.set(after(obligation.nextActionAt, 1_000));
    const reminder = await eventually(async () => {
      const found = await alertAt(handoffId, 'reminder-1');
      expect(found.emailSentAt).not.toBeNull();
      return found;
    });
    const reminderMail = await theMailOf(reminder, caseRef, citizen);
    expect(reminderMail.envelopeTo).toEqual(['liaison@mz.example']);
    expect(reminderMail.to).toEqual(['liaison@mz.example']);
    expect(reminderMail.subject).toContain('【提醒】');
    expect(reminder.webhookDeliveredAt).toBeNull();

    // Overdue: liaison and office, by mail; the office's system by signed webhook.
    clock.set(after(obligation.dueAt, 60_000));
    const overdue = await eventually(async () => {
      const found = await alertAt(handoffId, 'overdue');
      expect(found.emailSentAt).not.toBeNull();
      expect(found.webhookDeliveredAt).not.toBeNull();
      return found;
    });
    expect(overdue.kind).toBe('escalation');
    const overdueMail = await theMailOf(overdue, caseRef, citizen);
    expect(sorted(overdueMail.envelopeTo)).toEqual(['liaison@mz.example', OFFICE_EMAIL]);
    expect(sorted(overdueMail.to)).toEqual(['liaison@mz.example', OFFICE_EMAIL]);
    expect(overdueMail.subject).toContain('【逾期】');
    const overdueHooks = officeHooksOf(overdue.id);
    expect(overdueHooks).toHaveLength(1);
    expect(overdueHooks[0].signatureValid).toBe(true);
    expect(overdueHooks[0].body).toMatchObject({ key: overdue.dedupeKey, kind: 'escalation', level: 'overdue', agency: 'civil-affairs', handoffId });
    expect(JSON.stringify(overdueHooks[0].body)).not.toContain(citizen.name);
    expect(JSON.stringify(overdueHooks[0].body)).not.toContain(citizen.idNumber);

    // Later the leader as well.
    clock.set(after(await nextActionAt(handoffId), 60_000));
    const leader = await eventually(async () => {
      const found = await alertAt(handoffId, 'overdue-leader');
      expect(found.emailSentAt).not.toBeNull();
      expect(found.webhookDeliveredAt).not.toBeNull();
      return found;
    });
    const leaderMail = await theMailOf(leader, caseRef, citizen);
    expect(sorted(leaderMail.envelopeTo)).toEqual(['leader@mz.example', 'liaison@mz.example', OFFICE_EMAIL]);
    expect(sorted(leaderMail.to)).toEqual(['leader@mz.example', 'liaison@mz.example', OFFICE_EMAIL]);
    expect(leaderMail.subject).toContain('【逾期未办】');
    expect(leaderMail.text).toContain('王局长');

    // Time goes on; nothing is sent again, and the office's system never saw the reminder.
    clock.set(after(obligation.dueAt, 30 * 24 * 3600_000));
    await afterSweeps(scheduler.baseUrl); // two full passes after the clock moved: whatever was due has fired
    const alerts = await alertsFor(handoffId);
    expect(alerts.map((a) => a.level)).toEqual(['reminder-1', 'overdue', 'overdue-leader']);
    expect(smtp.received.filter((m) => alerts.some((a) => a.id === m.alertId)).map((m) => m.alertId)).toEqual([reminder.id, overdue.id, leader.id]);
    const hooks = officeHooksFor(handoffId);
    expect(hooks.map((h) => h.body.level)).toEqual(['overdue', 'overdue-leader']);
    expect(hooks.every((h) => h.signatureValid)).toBe(true);
    clock.set(new Date());
  });

  it('retries a failing office system until it takes the escalation, and mails it only once', async () => {
    const { handoffId, obligation, caseRef, citizen } = await receivedHandoff();

    bus.systems.failNext(3);
    clock.set(after(obligation.dueAt, 60_000));
    const overdue = await eventually(async () => {
      const found = await alertAt(handoffId, 'overdue');
      expect(found.webhookDeliveredAt).not.toBeNull();
      expect(found.emailSentAt).not.toBeNull();
      return found;
    });
    // Three 503s, each a failed attempt of this alert's job, then the fourth went through.
    const failedAttempts = scheduler.log.split('\n').filter((line) => line.includes(`job ${overdue.dedupeKey} (`) && line.includes('will retry'));
    expect(failedAttempts.map((line) => /failed attempt (\d+)/.exec(line)?.[1])).toEqual(['1', '2', '3']);
    expect(failedAttempts.every((line) => line.includes('HTTP 503'))).toBe(true);

    await afterSweeps(scheduler.baseUrl); // two full passes after the clock moved: whatever was due has fired
    const hooks = officeHooksOf(overdue.id);
    expect(hooks).toHaveLength(1);
    expect(hooks[0].signatureValid).toBe(true);
    expect(hooks[0].body).toMatchObject({ key: overdue.dedupeKey, level: 'overdue', handoffId });
    expect(officeHooksFor(handoffId)).toHaveLength(1);

    const mail = await theMailOf(overdue, caseRef, citizen);
    expect(sorted(mail.envelopeTo)).toEqual(['liaison@mz.example', OFFICE_EMAIL]);
    expect(smtp.for(overdue.id)).toHaveLength(1);
    clock.set(new Date());
  });

  it('tells the office of each roster change, once, by webhook and e-mail — two changes at one clock time too', async () => {
    const rosterAlerts = () =>
      bus.db.query<AlertRow>(`SELECT * FROM "Alert" WHERE kind = 'roster-changed' AND agency = 'civil-affairs' ORDER BY "createdAt"`);

    // New people, then a corrected phone number; the test clock does not move in between.
    const changes = [
      {
        leaderName: '陈副局长', leaderPhone: '13900000011', leaderEmail: 'new-leader@mz.example',
        liaisonName: '黄联络', liaisonPhone: '13900000012', liaisonEmail: 'new-liaison@mz.example',
      },
      {
        leaderName: '陈副局长', leaderPhone: '13900000011', leaderEmail: 'new-leader@mz.example',
        liaisonName: '黄联络', liaisonPhone: '13900000099', liaisonEmail: 'new-liaison@mz.example',
      },
    ];
    for (const changed of changes) {
      const known = (await rosterAlerts()).map((a) => a.id);
      const saved = await scheduler.put('/roster/civil-affairs', changed);
      expect(saved.status).toBe(200);
      expect((await scheduler.get('/roster')).body.find((e: { agency: string }) => e.agency === 'civil-affairs')).toMatchObject(changed);

      const change = await eventually(async () => {
        const fresh = (await rosterAlerts()).filter((a) => !known.includes(a.id));
        expect(fresh).toHaveLength(1);
        expect(fresh[0].webhookDeliveredAt).not.toBeNull();
        expect(fresh[0].emailSentAt).not.toBeNull();
        return fresh[0];
      }, 10_000);
      expect(change).toMatchObject({ level: 'office', handoffId: null });
      expect(change.summary).toContain('晋江市民政局');
      expect(change.summary).toContain('陈副局长');
      expect(change.summary).toContain(`黄联络（${changed.liaisonPhone}）`);

      const hooks = officeHooksOf(change.id);
      expect(hooks).toHaveLength(1);
      expect(hooks[0].signatureValid).toBe(true);
      expect(hooks[0].body).toMatchObject({ kind: 'roster-changed', agency: 'civil-affairs', key: change.dedupeKey, summary: change.summary });

      // The office's mailbox only.
      const mails = smtp.for(change.id);
      expect(mails).toHaveLength(1);
      expect(mails[0].envelopeTo).toEqual([OFFICE_EMAIL]);
      expect(mails[0].text).toContain(changed.liaisonPhone);
    }

    // Nothing went out twice: every roster alert of this file (the first roster too) once per channel.
    await afterSweeps(scheduler.baseUrl);
    const all = await rosterAlerts();
    expect(all).toHaveLength(3);
    for (const alert of all) {
      expect(officeHooksOf(alert.id)).toHaveLength(1);
      expect(smtp.for(alert.id)).toHaveLength(1);
    }
  });
});
