import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from './log-level.js';
import { QUEUE_BACKENDS, type QueueBackendKind } from './queue-backend-kind.js';
import { CRYPTO_SUITES, type CryptoSuiteName } from '#security';

export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;

/** What every process of the bus needs: its database, its Redis, the bus's key prefix, where it listens, how much it logs. */
export abstract class BusProcessEnv {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL!: string;

  /** one redis:// URL, or a comma-separated list of a Redis Cluster's nodes; not needed with QUEUE_BACKEND=postgres */
  @ValidateIf((env: BusProcessEnv) => env.QUEUE_BACKEND !== 'postgres' && (env.QUEUE_BACKEND === 'redis' || env.REDIS_URL !== undefined))
  @Matches(/^rediss?:\/\/[^\s,]+(,rediss?:\/\/[^\s,]+)*$/, {
    message: 'REDIS_URL must be a redis:// URL, or comma-separated redis:// URLs of a cluster (required with QUEUE_BACKEND=redis)',
  })
  REDIS_URL?: string;

  /** redis or postgres (BullMQ's PostgreSQL backend, in DATABASE_URL); default: redis when REDIS_URL is set */
  @IsOptional()
  @IsIn(QUEUE_BACKENDS, { message: `QUEUE_BACKEND must be one of ${QUEUE_BACKENDS.join(', ')}` })
  QUEUE_BACKEND?: QueueBackendKind;

  /** prefix of every BullMQ key in Redis; lets several buses (or test runs) share one Redis */
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,32}$/, { message: 'QUEUE_PREFIX must be 1–32 lower-case letters, digits or dashes' })
  QUEUE_PREFIX = 'bus';

  @IsOptional()
  @IsString()
  HOST = '127.0.0.1';

  /**
   * The deployment's cryptography suite: `international` (Ed25519, HMAC-SHA-256, AES-256-GCM) or
   * `national` (SM2, HMAC-SM3, SM4; GB/T 39786-2021). What the process signs, MACs and encrypts
   * with; it reads and verifies both (docs/crypto.md).
   */
  @IsOptional()
  @IsIn(CRYPTO_SUITES, { message: `CRYPTO_SUITE must be one of ${CRYPTO_SUITES.join(', ')}` })
  CRYPTO_SUITE: CryptoSuiteName = 'international';

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** the longest wait between two attempts of a failing job (backoff doubles up to this) */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  RETRY_MAX_BACKOFF_MS = 300_000;

  /** how often the reconciler compares PostgreSQL's state with the queues (it also runs at boot and on `npm run ops -- reconcile`) */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  RECONCILE_INTERVAL_MS = 30_000;

  /** a row is looked for in its queue only once it is this old (covers a consumer between its commit and its job's end) */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  RECONCILE_GRACE_MS = 10_000;

  /** the queue layer refusing writes for longer than this makes /health/ready answer 503 */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  QUEUE_REFUSAL_ALERT_MS = 30_000;

  /**
   * For tests and drills only: read "now" from this file (an ISO instant) instead of the system
   * clock. Refused when NODE_ENV=production.
   */
  @IsOptional()
  @IsString()
  CLOCK_FILE?: string;
}
