import { registerAs } from '@nestjs/config';
import type { LogLevel } from './log-level.js';
import { type QueueSettings, queueSettingsFrom } from './queue-settings.js';
import { SchedulerEnv } from './scheduler-env.dto.js';
import { InvalidConfigurationError, validateEnv } from './validate-env.js';

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
  alertRetry: { attempts: number; backoffMs: number };
  workerLockMs: number;
  clockFile: string | null;
  logLevel: LogLevel;
}

export function schedulerSettingsFrom(env: Record<string, string | undefined>): SchedulerSettings {
  const raw = validateEnv(SchedulerEnv, env);
  if (raw.CLOCK_FILE && env.NODE_ENV === 'production') {
    throw new InvalidConfigurationError('invalid configuration:\n  CLOCK_FILE: refused when NODE_ENV=production');
  }
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
    alertRetry: { attempts: raw.ALERT_ATTEMPTS, backoffMs: raw.ALERT_BACKOFF_MS },
    workerLockMs: raw.WORKER_LOCK_MS,
    clockFile: raw.CLOCK_FILE ?? null,
    logLevel: raw.LOG_LEVEL,
  });
}

/** The one place the scheduler reads process.env; inject with @Inject(schedulerConfig.KEY). */
export const schedulerConfig = registerAs('scheduler', (): SchedulerSettings => schedulerSettingsFrom(process.env));
