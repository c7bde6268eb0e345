import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCHEDULER_DATABASE_LOGIN } from '#persistence';
import { withDatabaseLogin } from './database-login.js';
import { ServiceProcess } from './service-process.js';

/**
 * The scheduler as its own process, with a clock the test moves: CLOCK_FILE holds "now". Several
 * schedulers may share one clock file (two schedulers at once).
 */
export class SchedulerProcess extends ServiceProcess {
  constructor(options: {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
    clock: TestClock;
    officeWebhook?: { url: string; secret: string };
    extraEnv?: Record<string, string>;
    /** the login in DATABASE_URL: the scheduler's own unless a test gives it a wrong one on purpose */
    databaseLogin?: string;
  }) {
    const apiKey = `office-key-${Math.random().toString(36).slice(2)}`;
    super(
      'scheduler',
      'dist/apps/scheduler/src/main.js',
      () =>
        withDatabaseLogin(
          {
            DATABASE_URL: options.databaseUrl,
            REDIS_URL: options.redisUrl,
            QUEUE_PREFIX: options.queuePrefix,
            OFFICE_API_KEY_SHA256: createHash('sha256').update(apiKey).digest('hex'),
            CLOCK_FILE: options.clock.path,
            SWEEP_INTERVAL_MS: '100',
            WORKER_LOCK_MS: '1000',
            ALERT_BACKOFF_MS: '100',
            ...(options.officeWebhook ? { OFFICE_WEBHOOK_URL: options.officeWebhook.url, OFFICE_WEBHOOK_SECRET: options.officeWebhook.secret } : {}),
            ...options.extraEnv,
          },
          options.databaseLogin ?? SCHEDULER_DATABASE_LOGIN,
        ),
      apiKey,
    );
  }
}

/** "Now" for schedulers under test: an ISO instant in a file. */
export class TestClock {
  readonly path = join(mkdtempSync(join(tmpdir(), 'bus-clock-')), 'now');

  constructor(start: Date) {
    this.set(start);
  }

  set(instant: Date): void {
    writeFileSync(this.path, instant.toISOString());
  }
}
