import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { LOG_LEVELS, type LogLevel } from './log-level.js';

export const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;

/** What every process of the bus needs: its database, its Redis, the bus's key prefix, where it listens, how much it logs. */
export abstract class BusProcessEnv {
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgresql:// URL' })
  DATABASE_URL!: string;

  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL!: string;

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
