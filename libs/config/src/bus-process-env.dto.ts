import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from './log-level.js';
import { QUEUE_BACKENDS, type QueueBackendKind } from './queue-settings.js';

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

  @IsOptional()
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}
