import { createHash } from 'node:crypto';
import type { UnitCode } from '#contracts';
import { unitDatabaseLogin } from '#persistence';
import { withDatabaseLogin } from './database-login.js';
import { securityEnv } from './security-env.js';
import { ServiceProcess } from './service-process.js';

export interface AdapterOptions {
  agency: UnitCode;
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  delivery: { mode: 'pull' } | { mode: 'webhook'; url: string; secret: string };
  extraEnv?: Record<string, string>;
  /** the login in DATABASE_URL: the unit's own unless a test gives it a wrong one on purpose */
  databaseLogin?: string;
}

/** One unit's adapter as its own process. */
export class AdapterProcess extends ServiceProcess {
  constructor(private readonly options: AdapterOptions) {
    const apiKey = `test-key-${options.agency}-${Math.random().toString(36).slice(2)}`;
    super(`${options.agency} adapter`, 'dist/apps/adapter/src/main.js', () => withDatabaseLogin(adapterEnv(options, apiKey), options.databaseLogin ?? unitDatabaseLogin(options.agency)), apiKey);
  }

  get agency(): UnitCode {
    return this.options.agency;
  }
}

function adapterEnv(options: AdapterOptions, apiKey: string): Record<string, string> {
  const { agency, databaseUrl, redisUrl, queuePrefix, delivery } = options;
  return {
    AGENCY: agency,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    API_KEY_SHA256: createHash('sha256').update(apiKey).digest('hex'),
    DELIVERY_MODE: delivery.mode,
    OUTBOX_POLL_MS: '100',
    INBOX_BACKOFF_MS: '100',
    DELIVERY_BACKOFF_MS: '100',
    ...(delivery.mode === 'webhook' ? { WEBHOOK_URL: delivery.url, WEBHOOK_SECRET: delivery.secret } : {}),
    ...securityEnv(agency),
    ...options.extraEnv,
  };
}
