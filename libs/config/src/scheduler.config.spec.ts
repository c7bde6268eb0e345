import { schedulerSettingsFrom } from './scheduler.config.js';

const base = {
  DATABASE_URL: 'postgresql://db/x',
  REDIS_URL: 'redis://r:6379',
  OFFICE_API_KEY_SHA256: 'b'.repeat(64),
};

describe('scheduler configuration', () => {
  it('has the defaults: 2 clock hours for 第二十条 ¶2 立即告知, the acknowledgement rule off (0), 5 working days of paperwork, leader after 3', () => {
    expect(schedulerSettingsFrom(base)).toMatchObject({
      deadlines: { urgentNoticeHours: 2, urgentAcknowledgementHours: 0, paperworkWorkingDays: 5 },
      leaderAfterWorkingDays: 3,
      officeWebhook: null,
      mail: null,
      clockFile: null,
    });
  });

  it('needs a secret with the office webhook, and refuses a test clock in production', () => {
    expect(() => schedulerSettingsFrom({ ...base, OFFICE_WEBHOOK_URL: 'http://office.example/hook' })).toThrow(/OFFICE_WEBHOOK_SECRET/);
    expect(() => schedulerSettingsFrom({ ...base, CLOCK_FILE: '/tmp/now', NODE_ENV: 'production' })).toThrow(/CLOCK_FILE/);
  });

  it('sends e-mail only when SMTP is configured, and an empty SMTP_URL means none', () => {
    expect(schedulerSettingsFrom({ ...base, SMTP_URL: '' }).mail).toBeNull();
    expect(schedulerSettingsFrom({ ...base, SMTP_URL: 'smtp://mail.example:25', OFFICE_EMAIL: 'office@jj.example' }).mail).toMatchObject({
      smtpUrl: 'smtp://mail.example:25',
      officeEmail: 'office@jj.example',
    });
  });
});
