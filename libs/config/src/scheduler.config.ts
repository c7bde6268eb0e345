import { registerAs } from '@nestjs/config';
import { useCryptoSuite } from '#security';
import type { LogLevel } from './log-level.js';
import { type QueueSettings, queueSettingsFrom, type RetrySettings } from './queue-settings.js';
import { SchedulerEnv } from './scheduler-env.dto.js';
import { refuseTestClockInProduction, validateEnv } from './validate-env.js';

export interface SchedulerSettings extends QueueSettings {
  port: number;
  host: string;
  officeApiKeySha256: readonly string[];
  sweepIntervalMs: number;
  sweepBatchSize: number;
  deadlines: { urgentNoticeHours: number; urgentAcknowledgementHours: number; paperworkWorkingDays: number };
  leaderAfterWorkingDays: number;
  /** 第二十四条: days after the feedback is received that a closed handoff is archived */
  archiveAfterDays: number;
  officeWebhook: { url: string; secret: string } | null;
  mail: { smtpUrl: string; from: string; officeEmail: string | null } | null;
  alertRetry: RetrySettings;
  /** the adapters' step events (queue scheduler.events): a day's window, backoff capped like every queue's */
  stepEventRetry: RetrySettings;
  workerLockMs: number;
  stuckMessageAlertMs: number;
  logLevel: LogLevel;
}

export function schedulerSettingsFrom(env: Record<string, string | undefined>): SchedulerSettings {
  const raw = validateEnv(SchedulerEnv, env);
  refuseTestClockInProduction(raw, env);
  useCryptoSuite(raw.CRYPTO_SUITE);
  return Object.freeze({
    ...queueSettingsFrom(raw),
    port: raw.PORT,
    host: raw.HOST,
    officeApiKeySha256: raw.OFFICE_API_KEY_SHA256,
    sweepIntervalMs: raw.SWEEP_INTERVAL_MS,
    sweepBatchSize: raw.SWEEP_BATCH_SIZE,
    deadlines: { urgentNoticeHours: raw.URGENT_NOTICE_HOURS, urgentAcknowledgementHours: raw.URGENT_ACK_HOURS, paperworkWorkingDays: raw.PAPERWORK_WORKING_DAYS },
    leaderAfterWorkingDays: raw.LEADER_ESCALATION_WORKING_DAYS,
    archiveAfterDays: raw.ARCHIVE_AFTER_DAYS,
    // SchedulerEnv refuses OFFICE_WEBHOOK_URL without its secret, so the second test only narrows the type.
    officeWebhook: raw.OFFICE_WEBHOOK_URL && raw.OFFICE_WEBHOOK_SECRET ? { url: raw.OFFICE_WEBHOOK_URL, secret: raw.OFFICE_WEBHOOK_SECRET } : null,
    mail: raw.SMTP_URL ? { smtpUrl: raw.SMTP_URL, from: raw.MAIL_FROM, officeEmail: raw.OFFICE_EMAIL ?? null } : null,
    alertRetry: { windowMs: raw.ALERT_RETRY_WINDOW_SECONDS * 1000, backoffMs: raw.ALERT_BACKOFF_MS, maxBackoffMs: raw.RETRY_MAX_BACKOFF_MS },
    stepEventRetry: { windowMs: 86_400_000, backoffMs: 1_000, maxBackoffMs: raw.RETRY_MAX_BACKOFF_MS },
    workerLockMs: raw.WORKER_LOCK_MS,
    stuckMessageAlertMs: raw.STUCK_MESSAGE_ALERT_SECONDS * 1000,
    logLevel: raw.LOG_LEVEL,
  });
}

/** The one place the scheduler reads process.env; inject with @Inject(schedulerConfig.KEY). */
export const schedulerConfig = registerAs('scheduler', (): SchedulerSettings => schedulerSettingsFrom(process.env));
